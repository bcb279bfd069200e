namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// The failure codes every vendor adapter maps its own statuses and error bodies to, so retries, fallback and job
/// failures reason about one vocabulary. Content refusals are never retried, on this vendor or another.
/// </summary>
public static class ProviderErrors
{
    public const string RateLimited = "provider.rate_limited";
    public const string Unavailable = "provider.unavailable";

    /// <summary>The vendor is switched off or lacks credentials here: it provably took nothing, so routing passes the shot on.</summary>
    public const string NotConfigured = "provider.not_configured";
    public const string Timeout = "provider.timeout";
    public const string Unauthorized = "provider.unauthorized";
    public const string InvalidRequest = "provider.invalid_request";
    public const string ContentRejected = "provider.content_rejected";
    public const string QuotaExceeded = "provider.quota_exceeded";
    public const string Failed = "provider.failed";
    public const string BadOutput = "provider.bad_output";
    public const string Canceled = "provider.canceled";

    /// <summary>The vendor no longer serves the model (vendor catalogue: retiresOn); routing passes the shot on.</summary>
    public const string Retired = "provider.retired";
}
