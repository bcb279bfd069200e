using Ministudio.Contracts;

namespace Ministudio.Dispatch.Providers;

/// <summary>A clip a provider produced, already copied into our artifact store.</summary>
public sealed record GeneratedClip(string ArtifactHash, double DurationSeconds);

/// <summary>One shot of one job: the request plus where it belongs, for logs, traces and vendor metadata.</summary>
public sealed record ShotJob(Guid JobId, int ShotIndex, ShotRequest Request);

/// <summary>How far a provider is with a shot.</summary>
public sealed record ProviderProgress(double Fraction, string Stage);

/// <summary>One video-generation backend, registered under the name films use in <c>provider</c>.</summary>
public interface IVideoProvider
{
    string Name { get; }

    Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct);
}

/// <summary>A provider failure mapped to our stable codes; only retryable ones are tried again.</summary>
public sealed class ProviderException(string code, string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;
}
