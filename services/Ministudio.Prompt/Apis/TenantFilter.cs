using Ministudio.Platform;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// The /v1 group's twin of <see cref="AdminKeyFilter"/>: admits requests that carry the tenant the gateway set, and
/// answers every other one the same way (401 auth.tenant_missing). Endpoints read the tenant with <see cref="TenantOf"/>.
/// </summary>
public sealed class TenantFilter : IEndpointFilter
{
    private const string TenantItem = "ministudio.tenant";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!TenantContext.TryGetTenantId(context.HttpContext, out var tenant)) return TenantContext.Missing();
        context.HttpContext.Items[TenantItem] = tenant;
        return await next(context);
    }

    /// <summary>The request's tenant; only endpoints behind this filter may ask.</summary>
    public static Guid TenantOf(HttpContext context) =>
        context.Items[TenantItem] as Guid? ?? throw new InvalidOperationException("The endpoint is not behind TenantFilter.");
}
