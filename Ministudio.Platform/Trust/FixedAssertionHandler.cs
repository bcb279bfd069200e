using System.Diagnostics;

namespace Ministudio.Platform.Trust;

/// <summary>
/// Signs every request as one service for one fixed tenant (or none): for tools and tests that call a service
/// directly, outside any request being served (<see cref="ServiceCredentialHandler"/> carries on the served one).
/// </summary>
public sealed class FixedAssertionHandler(ServiceAssertions assertions, string service, Guid? tenantId = null, string? apiKeyId = null)
    : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ServiceAssertion.Header);
        request.Headers.TryAddWithoutValidation(ServiceAssertion.Header, assertions.Mint(service, tenantId, apiKeyId, Activity.Current?.TraceId.ToString()));
        return base.SendAsync(request, cancellationToken);
    }
}
