using Ministudio.Contracts;
using Ministudio.Dispatch.Leases;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Dispatch.Providers;

/// <summary>A clip a provider produced, already copied into our artifact store, and the vendor model that made it.</summary>
public sealed record GeneratedClip(string ArtifactHash, double DurationSeconds, string? Model = null);

/// <summary>
/// One shot of one job: the request plus where it belongs, for logs, traces and vendor metadata. With
/// <paramref name="TenantSecret"/> (BYOK) the vendor is paid with the tenant's own credential instead of the platform's;
/// <see cref="Lease"/> (when dispatch holds one) records the vendor attempt so a take-over after a crash resumes it.
/// </summary>
public sealed record ShotJob(Guid JobId, int ShotIndex, ShotRequest Request, Guid TenantId = default, TenantSecret? TenantSecret = null)
{
    public ShotLease? Lease { get; init; }
}

/// <summary>How far a provider is with a shot.</summary>
public sealed record ProviderProgress(double Fraction, string Stage);

/// <summary>One video-generation backend, registered under the name films use in <c>provider</c>.</summary>
public interface IVideoProvider
{
    string Name { get; }

    /// <summary>
    /// Produces the shot and copies it into the artifact store. When <paramref name="ct"/> is canceled after the vendor
    /// accepted the work, the provider asks the vendor to cancel it before giving up.
    /// </summary>
    Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct);
}

/// <summary>
/// A provider failure mapped to our stable codes (<see cref="ProviderErrors"/>); only retryable ones are tried again,
/// no sooner than <see cref="RetryAfter"/> when the vendor said so.
/// </summary>
public sealed class ProviderException(string code, string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;
    public TimeSpan? RetryAfter { get; init; }
}
