using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ministudio.Platform;

/// <summary>The tenant the gateway authenticated; tenant APIs are only reachable behind the gateway, which sets this header.</summary>
public static class TenantContext
{
    public const string Header = "X-Tenant-Id";

    public static bool TryGetTenantId(HttpContext context, out Guid tenantId) =>
        Guid.TryParse(context.Request.Headers[Header].ToString(), out tenantId);

    /// <summary>The answer to a request that arrived without passing the gateway's authentication.</summary>
    public static ProblemHttpResult Missing() =>
        ApiProblems.Problem(ProblemCodes.AuthTenantMissing);
}
