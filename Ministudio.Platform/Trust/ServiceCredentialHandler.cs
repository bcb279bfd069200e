using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Platform.Trust;

/// <summary>
/// Signs a call to another Ministudio service: the assertion names this service and carries on the tenant of the
/// request being served (if any), so a tenant's call stays that tenant's across hops. Only for clients of our own
/// services — never on vendor, webhook or other outside clients, which must not see the assertion.
/// </summary>
public sealed class ServiceCredentialHandler(ServiceAssertions assertions, ServiceIdentity identity, IHttpContextAccessor requests)
    : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var serving = requests.HttpContext?.Features.Get<ServiceAssertion>();
        request.Headers.Remove(ServiceAssertion.Header);
        request.Headers.TryAddWithoutValidation(ServiceAssertion.Header,
            assertions.Mint(identity.Name, serving?.TenantId, serving?.ApiKeyId, Activity.Current?.TraceId.ToString()));
        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>This service's resource name, as its assertions name it.</summary>
public sealed record ServiceIdentity(string Name);
