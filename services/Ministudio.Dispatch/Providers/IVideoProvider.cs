using Ministudio.Contracts;

namespace Ministudio.Dispatch.Providers;

/// <summary>A clip a provider produced, already copied into our artifact store.</summary>
public sealed record GeneratedClip(string ArtifactHash, double DurationSeconds);

/// <summary>How far a provider is with a shot.</summary>
public sealed record ProviderProgress(double Fraction, string Stage);

/// <summary>One video-generation backend, registered under the name films use in <c>provider</c>.</summary>
public interface IVideoProvider
{
    string Name { get; }

    Task<GeneratedClip> GenerateAsync(ShotRequest request, IProgress<ProviderProgress> progress, CancellationToken ct);
}

/// <summary>A provider failure mapped to our stable codes; only retryable ones are tried again.</summary>
public sealed class ProviderException(string code, string message, bool retryable, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
    public bool Retryable { get; } = retryable;
}
