using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.ServiceDefaults;

namespace Ministudio.Dispatch.Apis;

/// <summary>The tenant the gateway authenticated; dispatch's API is only reachable behind the gateway, which sets this header.</summary>
public static class TenantContext
{
    public const string Header = "X-Tenant-Id";

    public static bool TryGetTenantId(HttpContext context, out Guid tenantId) =>
        Guid.TryParse(context.Request.Headers[Header].ToString(), out tenantId);

    public static ProblemHttpResult Missing() =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, "auth.tenant_missing", "No authenticated tenant.");
}
