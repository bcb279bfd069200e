namespace Ministudio.Platform.Trust;

/// <summary>
/// What a signed assertion says about a request between services: which service sent it and, when it acts for a
/// tenant, which tenant and API key the gateway authenticated. Services learn the tenant only from here.
/// </summary>
/// <param name="Service">The sending service's resource name (gateway, prompt, dispatch …).</param>
/// <param name="TenantId">The tenant the request acts for; null for operator and service-to-service calls.</param>
/// <param name="ApiKeyId">The id (prefix) of the API key the gateway authenticated, for audit; null without a tenant.</param>
/// <param name="RequestId">The request's trace id, binding the assertion to one request in the logs.</param>
/// <param name="ExpiresAt">After this instant (plus the configured skew) the assertion is refused.</param>
public sealed record ServiceAssertion(string Service, Guid? TenantId, string? ApiKeyId, string? RequestId, DateTimeOffset ExpiresAt)
{
    /// <summary>The request header that carries the signed assertion.</summary>
    public const string Header = "X-Ministudio-Assertion";
}
