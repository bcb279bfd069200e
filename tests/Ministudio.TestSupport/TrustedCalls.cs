using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.TestSupport;

/// <summary>
/// Tests speak to a service the way the gateway does: with an assertion signed by the key the test hosts are given
/// (<see cref="Setting"/> = <see cref="SigningKey"/>). Each request gets a fresh one, so a long test never sends an
/// expired assertion.
/// </summary>
public static class TrustedCalls
{
    public const string SigningKey = "ministudio-tests-service-trust-key-0123456789";

    /// <summary>The configuration key (colon form) a host reads the signing key from.</summary>
    public const string Setting = ServiceTrustOptions.SigningKeyKey;

    public static ServiceAssertions Assertions { get; } =
        new(Options.Create(new ServiceTrustOptions { SigningKey = SigningKey }), TimeProvider.System);

    /// <summary>An assertion as the gateway mints it: for a tenant, or (null) for an operator or service call.</summary>
    public static string Mint(Guid? tenant = null, string service = ResourceNames.Gateway) =>
        Assertions.Mint(service, tenant, tenant is null ? null : TestKeyId);

    /// <summary>The key prefix tests' assertions name for a tenant.</summary>
    private const string TestKeyId = "ms_test_tests0";

    public static void Sign(HttpRequestMessage request, Guid? tenant = null, string service = ResourceNames.Gateway)
    {
        request.Headers.Remove(ServiceAssertion.Header);
        request.Headers.Add(ServiceAssertion.Header, Mint(tenant, service));
    }

    /// <summary>
    /// For <c>WebApplicationFactory.CreateDefaultClient</c> or <c>new HttpClient(...)</c>: signs every request, as the
    /// gateway or as the named <paramref name="service"/>.
    /// </summary>
    public static DelegatingHandler Handler(Guid? tenant = null, HttpMessageHandler? inner = null, string service = ResourceNames.Gateway)
    {
        var handler = new FixedAssertionHandler(Assertions, service, tenant, tenant is null ? null : TestKeyId);
        if (inner is not null) handler.InnerHandler = inner;
        return handler;
    }

    /// <summary>A client for a service at <paramref name="address"/>, signing every request.</summary>
    public static HttpClient Client(Uri address, Guid? tenant = null) =>
        new(Handler(tenant, new SocketsHttpHandler())) { BaseAddress = address };
}
