using System.Text.Json;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Gateway.Authentication;

/// <summary>
/// Every /v1 request needs <c>Authorization: Bearer &lt;key&gt;</c>. Its tenant goes upstream only inside the signed
/// assertion the forwarder adds (<see cref="Forwarding.ServiceAssertionTransform"/>); whatever X-Tenant-Id or assertion
/// the client sent is dropped, so a client can never speak for another tenant.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ILogger<ApiKeyMiddleware> logger)
{
    public const string TenantItem = "ministudio.tenant";

    public async Task InvokeAsync(HttpContext context, ApiKeyResolver resolver)
    {
        context.Request.Headers.Remove(TenantContext.Header);
        context.Request.Headers.Remove(ServiceAssertion.Header);
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            await next(context);
            return;
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || authorization.Length <= "Bearer ".Length)
        {
            await WriteUnauthorizedAsync(context, ProblemCodes.AuthKeyMissing);
            return;
        }

        var key = authorization["Bearer ".Length..].Trim();
        // Typos and garbage never cost prompt a lookup: the checksum rejects them here.
        if (!ApiKeys.IsWellFormed(key))
        {
            await WriteInvalidKeyAsync(context);
            return;
        }

        TenantIdentity? tenant;
        try
        {
            tenant = await resolver.ResolveAsync(key, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            logger.LogError(ex, "Key lookup failed");
            await ApiProblems.Problem(ProblemCodes.AuthUnavailable)
                .ExecuteAsync(context);
            return;
        }
        if (tenant is null)
        {
            await WriteInvalidKeyAsync(context);
            return;
        }

        context.Items[TenantItem] = tenant;
        await next(context);
    }

    /// <summary>
    /// Malformed, unknown, revoked and expired keys get the same bytes, so the answer tells a prober nothing — not
    /// even through a per-request trace id, which the problem-details writer would add.
    /// </summary>
    private static readonly byte[] InvalidKeyBody = JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = $"https://ministudio.dev/problems/{ProblemCodes.AuthKeyInvalid.Code}",
        title = ProblemCodes.AuthKeyInvalid.Title,
        status = ProblemCodes.AuthKeyInvalid.Status,
        code = ProblemCodes.AuthKeyInvalid.Code,
    });

    private static async Task WriteInvalidKeyAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/problem+json";
        await context.Response.Body.WriteAsync(InvalidKeyBody, context.RequestAborted);
    }

    private static Task WriteUnauthorizedAsync(HttpContext context, ProblemCode problem)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Problem(problem).ExecuteAsync(context);
    }
}
