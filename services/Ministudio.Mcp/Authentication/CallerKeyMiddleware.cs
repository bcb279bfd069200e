using System.Net;
using Ministudio.Client;
using Ministudio.Platform;
using ProblemCodes = Ministudio.Platform.ProblemCodes;

namespace Ministudio.Mcp.Authentication;

/// <summary>
/// No MCP message is read before the caller's key is checked with the gateway (the same check every /v1 call gets), so
/// a request without a valid key is refused before any tool runs. The tools then call the API with that same key:
/// the tenant is whatever the gateway makes of it, never something this service decides.
/// </summary>
public sealed class CallerKeyMiddleware(RequestDelegate next, ILogger<CallerKeyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context, GatewayApi api)
    {
        if (!context.Request.Path.StartsWithSegments(McpServerPaths.Endpoint))
        {
            await next(context);
            return;
        }
        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            await RefuseAsync(context, ApiProblems.Problem(ProblemCodes.AuthKeyMissing));
            return;
        }

        var key = authorization["Bearer ".Length..].Trim();
        try
        {
            await api.VerifyKeyAsync(key, context.RequestAborted);
        }
        catch (MinistudioProblemException refused) when (refused.Status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests)
        {
            if (refused.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await RefuseAsync(context, ApiProblems.Problem((int)refused.Status, refused.Code, refused.Title, refused.Detail));
            return;
        }
        catch (Exception ex) when (ex is MinistudioProblemException or HttpRequestException)
        {
            logger.LogError(ex, "The gateway could not check a key");
            await ApiProblems.Problem(ProblemCodes.AuthUnavailable).ExecuteAsync(context);
            return;
        }
        GatewayApi.SetCallerKey(context, key);
        await next(context);
    }

    private static Task RefuseAsync(HttpContext context, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult problem)
    {
        if (problem.StatusCode == StatusCodes.Status401Unauthorized) context.Response.Headers.WWWAuthenticate = "Bearer";
        return problem.ExecuteAsync(context);
    }
}
