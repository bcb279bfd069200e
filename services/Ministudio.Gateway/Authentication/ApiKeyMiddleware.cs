using Ministudio.ServiceDefaults;

namespace Ministudio.Gateway.Authentication;

/// <summary>
/// Every /v1 request needs <c>Authorization: Bearer &lt;key&gt;</c>. The key's tenant replaces whatever
/// X-Tenant-Id the client sent, so a client can never speak for another tenant.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ILogger<ApiKeyMiddleware> logger)
{
    public const string TenantHeader = "X-Tenant-Id";
    public const string TenantItem = "ministudio.tenant";

    public async Task InvokeAsync(HttpContext context, ApiKeyResolver resolver)
    {
        context.Request.Headers.Remove(TenantHeader);
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            await WriteUnauthorizedAsync(context, "auth.key_missing", "An API key is required: send 'Authorization: Bearer <key>'.");
            return;
        }

        TenantIdentity? tenant;
        try
        {
            tenant = await resolver.ResolveAsync(authorization["Bearer ".Length..].Trim(), context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            logger.LogError(ex, "Key lookup failed");
            await ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "auth.unavailable", "Authentication is unavailable; retry shortly.")
                .ExecuteAsync(context);
            return;
        }
        if (tenant is null)
        {
            await WriteUnauthorizedAsync(context, "auth.key_invalid", "The API key is not valid.");
            return;
        }

        context.Items[TenantItem] = tenant;
        context.Request.Headers[TenantHeader] = tenant.Id.ToString();
        await next(context);
    }

    private static Task WriteUnauthorizedAsync(HttpContext context, string code, string title)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Problem(StatusCodes.Status401Unauthorized, code, title).ExecuteAsync(context);
    }
}
