using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ministudio.Platform;

/// <summary>
/// Turns an exception into a problem answer: a client's malformed request keeps its status and a plain reason; anything
/// else is 500 <c>server.error</c> with the trace id, and the exception goes to the log. Serves both the exception
/// handler (production) and the developer exception page (development), so no environment shows internals.
/// </summary>
public sealed class ExceptionProblems(ILogger<ExceptionProblems> logger) : IExceptionHandler, IDeveloperPageExceptionFilter
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (context.Response.HasStarted) return false;
        await Answer(context, exception).ExecuteAsync(context);
        return true;
    }

    public async Task HandleExceptionAsync(ErrorContext errorContext, Func<ErrorContext, Task> next)
    {
        if (!await TryHandleAsync(errorContext.HttpContext, errorContext.Exception, errorContext.HttpContext.RequestAborted)) await next(errorContext);
    }

    private IResult Answer(HttpContext context, Exception exception)
    {
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                logger.LogInformation("Rejected a request body that does not bind: {Reason}", json.Message);
                return ApiProblems.Validation([JsonBody.Mismatch(json, "this request")], ProblemCodes.RequestMalformedJson.Title);
            case BadHttpRequestException bad when bad.StatusCode == StatusCodes.Status413PayloadTooLarge:
                return ApiProblems.Problem(ProblemCodes.RequestTooLarge);
            case BadHttpRequestException bad:
                logger.LogInformation("Rejected a malformed request: {Reason}", bad.Message);
                // The framework's binding messages describe the client's input (parameter and value), nothing internal.
                return ApiProblems.Problem(ProblemCodes.ForStatus(bad.StatusCode),
                    bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal) || bad.Message.StartsWith("Required parameter", StringComparison.Ordinal)
                        ? bad.Message : null);
            case DbException { SqlState: "23503" } gone when gone.Message.Contains("_tenant_id_fkey", StringComparison.Ordinal):
                // The tenant was erased while the gateway still held its key (it caches keys briefly): as an unknown key.
                logger.LogInformation("Refused a write for a tenant that no longer exists: {Path}", context.Request.Path);
                return ApiProblems.Problem(ProblemCodes.AuthKeyInvalid);
            case ArtifactStoreUnavailableException unavailable:
                logger.LogWarning(unavailable, "The artifact store is unavailable answering {Method} {Path}", context.Request.Method, context.Request.Path);
                return ApiProblems.Problem(ProblemCodes.ArtifactsUnavailable);
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return ApiProblems.Problem(ProblemCodes.RequestCanceled);
            default:
                logger.LogError(exception, "Unhandled exception answering {Method} {Path}", context.Request.Method, context.Request.Path);
                return ApiProblems.Problem(ProblemCodes.ServerError);
        }
    }
}
