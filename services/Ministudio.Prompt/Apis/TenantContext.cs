using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>The tenant the gateway authenticated; prompt is only reachable behind the gateway, which sets this header.</summary>
public static class TenantContext
{
    public const string Header = "X-Tenant-Id";

    public static bool TryGetTenantId(HttpContext context, out Guid tenantId) =>
        Guid.TryParse(context.Request.Headers[Header].ToString(), out tenantId);

    /// <summary>The answer to a request that reached prompt without passing the gateway's authentication.</summary>
    public static ProblemHttpResult Missing() =>
        ApiProblems.Problem(StatusCodes.Status401Unauthorized, "auth.tenant_missing", "No authenticated tenant.");
}
