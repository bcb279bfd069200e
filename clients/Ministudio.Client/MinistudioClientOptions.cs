namespace Ministudio.Client;

/// <summary>Where the gateway is, the key to use, and how patiently to retry.</summary>
public sealed class MinistudioClientOptions
{
    /// <summary>The gateway, e.g. <c>http://127.0.0.1:5400/</c>.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>A tenant API key, or the operator's admin key for <see cref="MinistudioAdminClient"/>.</summary>
    public required string ApiKey { get; init; }

    /// <summary>How often a 429 (or a 503 with Retry-After) is retried before its problem is thrown.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>A Retry-After longer than this is not waited for: the problem is thrown with its <c>RetryAfter</c>.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
