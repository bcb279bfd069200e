using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;

namespace Ministudio.Bench;

/// <summary>
/// The bench calls prompt and render directly the way the gateway and dispatch do: with a signed assertion, minted per
/// request with the key bench/run.sh gives every service (<c>ServiceTrust__SigningKey</c>).
/// </summary>
public static class BenchTrust
{
    private static readonly Lazy<ServiceAssertions> Assertions = new(() => new ServiceAssertions(
        Options.Create(new ServiceTrustOptions
        {
            SigningKey = Environment.GetEnvironmentVariable("ServiceTrust__SigningKey")
                         ?? throw new InvalidOperationException("ServiceTrust__SigningKey is not set (bench/run.sh sets it)."),
        }), TimeProvider.System));

    /// <summary>Adds the assertion the gateway would add, for a tenant or (null) for a service call.</summary>
    public static HttpRequestMessage Signed(HttpRequestMessage request, Guid? tenant = null)
    {
        request.Headers.Add(ServiceAssertion.Header, Assertions.Value.Mint("gateway", tenant));
        return request;
    }

    /// <summary>Signs every request of a client (gRPC to render) as the gateway does.</summary>
    public static DelegatingHandler Handler() => new FixedAssertionHandler(Assertions.Value, "gateway") { InnerHandler = new SocketsHttpHandler() };
}
