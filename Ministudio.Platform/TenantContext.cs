using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform.Trust;

namespace Ministudio.Platform;

/// <summary>
/// The tenant a request acts for: only what the gateway's signed <see cref="ServiceAssertion"/> says, verified by
/// <see cref="ServiceTrustMiddleware"/>. A bare <see cref="Header"/> is never trusted; the gateway strips any a client
/// sends.
/// </summary>
public static class TenantContext
{
    public const string Header = "X-Tenant-Id";

    public static bool TryGetTenantId(HttpContext context, out Guid tenantId)
    {
        tenantId = context.Features.Get<ServiceAssertion>()?.TenantId ?? Guid.Empty;
        return tenantId != Guid.Empty;
    }

    /// <summary>The answer to a request whose assertion acts for no tenant (an operator or service call on a tenant route).</summary>
    public static ProblemHttpResult Missing() =>
        ApiProblems.Problem(ProblemCodes.AuthTenantMissing);
}
