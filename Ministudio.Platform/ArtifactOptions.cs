namespace Ministudio.Platform;

/// <summary>
/// Where artifacts live: <c>Artifacts:Root</c> is always a local folder (scratch space, and with S3 the local copies
/// that tools such as ffmpeg read); <c>Artifacts:Backend</c> says whether the objects themselves stay there
/// (<c>filesystem</c>, the default) or go to an S3-compatible bucket (<c>s3</c>, path-style).
/// </summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";
    public const string FileSystemBackend = "filesystem";
    public const string S3Backend = "s3";

    public string Root { get; set; } = "";

    public string Backend { get; set; } = FileSystemBackend;

    public S3ArtifactOptions S3 { get; set; } = new();

    /// <summary>Scratch folders (and, with S3, local copies) untouched this long are left over from a crash: swept.</summary>
    public TimeSpan ScratchGrace { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How often each service sweeps its scratch folders.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a signed artifact URL stays valid: long enough for a vendor to fetch its input.</summary>
    public TimeSpan SignedUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    public bool UsesS3 => string.Equals(Backend, S3Backend, StringComparison.OrdinalIgnoreCase);

    /// <summary>The first thing wrong with the settings, or null.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Root)) return $"{Section}:Root is required.";
        if (!UsesS3 && !string.Equals(Backend, FileSystemBackend, StringComparison.OrdinalIgnoreCase))
            return $"{Section}:Backend must be '{FileSystemBackend}' or '{S3Backend}', not '{Backend}'.";
        if (ScratchGrace <= TimeSpan.Zero || SweepInterval <= TimeSpan.Zero)
            return $"{Section}:ScratchGrace and {Section}:SweepInterval must be positive.";
        if (SignedUrlLifetime <= TimeSpan.Zero) return $"{Section}:SignedUrlLifetime must be positive.";
        if (!UsesS3) return null;
        if (!Uri.TryCreate(S3.ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            return $"{Section}:S3:ServiceUrl must be an absolute http(s) URL.";
        if (string.IsNullOrWhiteSpace(S3.Bucket)) return $"{Section}:S3:Bucket is required.";
        if (string.IsNullOrEmpty(S3.AccessKey) || string.IsNullOrEmpty(S3.SecretKey))
            return $"{Section}:S3:AccessKey and {Section}:S3:SecretKey are required.";
        return null;
    }
}

public sealed class S3ArtifactOptions
{
    public string ServiceUrl { get; set; } = "";

    public string Bucket { get; set; } = "";

    public string AccessKey { get; set; } = "";

    public string SecretKey { get; set; } = "";

    /// <summary>The region requests are signed for; S3-compatible servers mostly accept any.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Per request; a store that does not answer fails the work with a retryable code rather than hanging it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
