using Ministudio.Platform;

namespace Ministudio.TestSupport;

/// <summary>
/// The S3-compatible server tests run against: scripts/infra.sh starts s3rver on loopback and exports its URL as
/// ConnectionStrings__s3 (bucket <see cref="Bucket"/>, the access key and secret s3rver accepts).
/// </summary>
public static class TestS3
{
    public const string Bucket = "ministudio-test";
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    public static string Endpoint => Environment.GetEnvironmentVariable("ConnectionStrings__s3") is { Length: > 0 } url
        ? url
        : throw new InvalidOperationException("No S3 server for tests: run them with scripts/test.sh, or source scripts/infra.sh && infra_up (exports ConnectionStrings__s3).");

    /// <summary>Options for an S3-backed store on <paramref name="endpoint"/> (the shared server by default), with a local folder of its own.</summary>
    public static ArtifactOptions Options(string root, string? endpoint = null, string bucket = Bucket) => new()
    {
        Root = root,
        Backend = ArtifactOptions.S3Backend,
        S3 = new S3ArtifactOptions { ServiceUrl = endpoint ?? Endpoint, Bucket = bucket, AccessKey = AccessKey, SecretKey = SecretKey, Timeout = TimeSpan.FromSeconds(5) },
    };

    /// <summary>The same options as configuration settings (for a service's test host).</summary>
    public static Dictionary<string, string> Settings(string? endpoint = null, string bucket = Bucket) => new()
    {
        ["Artifacts:Backend"] = ArtifactOptions.S3Backend,
        ["Artifacts:S3:ServiceUrl"] = endpoint ?? Endpoint,
        ["Artifacts:S3:Bucket"] = bucket,
        ["Artifacts:S3:AccessKey"] = AccessKey,
        ["Artifacts:S3:SecretKey"] = SecretKey,
        ["Artifacts:S3:Timeout"] = "00:00:05",
    };
}
