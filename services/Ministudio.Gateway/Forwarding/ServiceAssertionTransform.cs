using System.Diagnostics;
using Ministudio.Gateway.Authentication;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;
using Yarp.ReverseProxy.Transforms;

namespace Ministudio.Gateway.Forwarding;

/// <summary>
/// Every forwarded request carries a fresh signed assertion: the gateway as its sender and, on tenant routes, the
/// tenant and key prefix the API key resolved to. Services trust nothing else (see <see cref="ServiceTrustMiddleware"/>).
/// </summary>
public sealed class ServiceAssertionTransform(ServiceAssertions assertions) : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        var tenant = context.HttpContext.Items[ApiKeyMiddleware.TenantItem] as TenantIdentity;
        var headers = context.ProxyRequest.Headers;
        headers.Remove(ServiceAssertion.Header);
        headers.TryAddWithoutValidation(ServiceAssertion.Header,
            assertions.Mint(ResourceNames.Gateway, tenant?.Id, tenant?.KeyPrefix, Activity.Current?.TraceId.ToString()));
        return ValueTask.CompletedTask;
    }
}
