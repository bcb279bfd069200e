using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Client;
using ModelContextProtocol.Protocol;

namespace Ministudio.Mcp.Tools;

/// <summary>
/// What a tool answers: the API's JSON on success; on a problem, a tool error (<c>isError</c>) carrying the problem
/// as the API gave it — status, code, title, detail and every field error — so a model can correct its arguments.
/// </summary>
public static class ToolResults
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<CallToolResult> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return Success(await call());
        }
        catch (MinistudioProblemException problem)
        {
            return Problem(problem);
        }
        catch (JsonException malformed)
        {
            // A string argument that is not JSON: the answer the API gives a malformed body.
            var code = Platform.ProblemCodes.RequestMalformedJson;
            return Error(code.Status, code.Code, code.Title, malformed.Message, []);
        }
    }

    public static CallToolResult Success<T>(T value)
    {
        var json = JsonSerializer.SerializeToElement(value, Json);
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = json.GetRawText() }],
            // Structured content must be an object; lists (style packs, templates) are the text alone.
            StructuredContent = json.ValueKind == JsonValueKind.Object ? json : null,
        };
    }

    public static CallToolResult Problem(MinistudioProblemException problem) =>
        Error((int)problem.Status, problem.Code, problem.Title, problem.Detail, problem.Errors);

    /// <summary>A tool error in the API's problem shape (used too for arguments refused before any API call).</summary>
    public static CallToolResult Error(int status, string code, string title, string? detail, IReadOnlyList<FieldError> errors)
    {
        var body = new JsonObject
        {
            ["status"] = status,
            ["code"] = code,
            ["title"] = title,
            ["detail"] = detail,
            ["errors"] = JsonSerializer.SerializeToNode(errors, Json),
        };
        var element = JsonSerializer.SerializeToElement(body, Json);
        return new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock { Text = element.GetRawText() }],
            StructuredContent = element,
        };
    }

    /// <summary>A film or library item as the API reads it: a JSON object, or JSON text (some models send strings).</summary>
    public static string BodyText(JsonElement argument) =>
        argument.ValueKind == JsonValueKind.String ? argument.GetString()! : argument.GetRawText();

    /// <summary>A job id argument, or a tool error naming the field.</summary>
    public static bool TryJobId(string jobId, out Guid id, out CallToolResult? error)
    {
        error = Guid.TryParse(jobId, out id)
            ? null
            : Error(StatusCodes.Status400BadRequest, Platform.ProblemCodes.RequestInvalid.Code, Platform.ProblemCodes.RequestInvalid.Title,
                $"jobId: '{jobId}' is not a job id.", [new FieldError("jobId", Platform.ProblemCodes.RequestInvalid.Code, "A job id is a UUID, as render_film answered it.")]);
        return error is null;
    }
}
