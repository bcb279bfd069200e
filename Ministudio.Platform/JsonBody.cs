using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ministudio.Platform;

/// <summary>
/// Reads a JSON body by hand: the framework's binder answers malformed JSON with a bare 400 and no code, and accepts
/// duplicate keys, NUL and lone surrogates that later break storage. <see cref="JsonText"/> checks the text first.
/// </summary>
public static class JsonBody
{
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext context, string what, CancellationToken ct) where T : class
    {
        // The body is already capped (RequestSizeLimit / the server's limit), so reading it whole is bounded.
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, ct);
        var (value, problem) = Parse<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), what);
        return (value, problem is null ? null : ApiProblems.Validation(problem, problem[0].Code == JsonText.MalformedCode ? $"The body is not valid JSON for {what}." : null));
    }

    /// <summary>Checks and binds one JSON document (a body or a batch line); the errors name the fields.</summary>
    public static (T? Value, IReadOnlyList<FieldError>? Errors) Parse<T>(ReadOnlySpan<byte> utf8, string what) where T : class
    {
        var errors = JsonText.Inspect(utf8);
        if (errors.Count > 0) return (null, errors);
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, JsonSerializerOptions.Web) is { } value
                ? (value, null)
                : (null, [new FieldError("$", JsonText.MalformedCode, $"The body must be a JSON object describing {what}.")]);
        }
        catch (JsonException ex)
        {
            return (null, [Mismatch(ex, what)]);
        }
    }

    /// <summary>A value of the wrong type or shape, at its path. The serializer's own message names .NET types, so it stays in the log.</summary>
    public static FieldError Mismatch(JsonException ex, string what) => ex.Path is { Length: > 1 } path
        ? new FieldError(path.TrimStart('$', '.'), JsonText.MalformedCode, "This value does not have the expected type or shape.")
        : new FieldError("$", JsonText.MalformedCode, $"The body must be a JSON object describing {what}.");
}
