using System.Globalization;
using Ministudio.Gateway.Authentication;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Gateway.RateLimiting;

/// <summary>
/// Spends one request of the authenticated tenant's budget; when it is spent, answers 429 with Retry-After and the
/// RateLimit-Limit/Remaining/Reset headers (seconds), so clients can pace themselves without guessing.
/// </summary>
public sealed class RateLimitMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, TenantRateLimiter limiter)
    {
        if (context.Items[ApiKeyMiddleware.TenantItem] is not TenantIdentity tenant)
        {
            await next(context);
            return;
        }

        var decision = await limiter.AcquireAsync(tenant.Id, tenant.RateLimitPerMinute ?? limiter.DefaultLimit, context.RequestAborted);
        if (decision is null)
        {
            await next(context);
            return;
        }

        var headers = context.Response.Headers;
        headers["RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["RateLimit-Reset"] = Seconds(decision.ResetMs).ToString(CultureInfo.InvariantCulture);
        if (decision.Allowed)
        {
            await next(context);
            return;
        }

        var retryAfter = Math.Max(1, Seconds(decision.RetryAfterMs));
        headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await ApiProblems.Problem(ProblemCodes.RateLimitExceeded,
                $"This key's tenant may send {decision.Limit} requests a minute; retry in {retryAfter} s.")
            .ExecuteAsync(context);
    }

    private static long Seconds(long milliseconds) => (milliseconds + 999) / 1000;
}
