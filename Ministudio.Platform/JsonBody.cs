using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ministudio.Platform;

/// <summary>Reads a JSON body by hand: the framework's binder answers malformed JSON with a bare 400 and no code.</summary>
public static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, string what, CancellationToken ct) where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, JsonSerializerOptions.Web, ct);
            return value is null
                ? (null, ApiProblems.Problem(ProblemCodes.RequestMalformedJson, title: $"The body must be a JSON object describing {what}."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, ApiProblems.Problem(ProblemCodes.RequestMalformedJson, title: $"The body is not valid JSON for {what}.",
                detail: ex.Path is { Length: > 1 } path ? $"Near '{path}': {ex.Message}" : ex.Message));
        }
    }
}
