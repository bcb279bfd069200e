namespace Ministudio.Platform;

/// <summary>One stored artifact, as a listing sees it.</summary>
public sealed record StoredArtifact(string Hash, long Size, DateTimeOffset LastModified);

/// <summary>
/// The store is unreachable or cannot take the bytes (S3 down, disk full): the work that needed it fails with
/// <see cref="Code"/>, which is retryable, and nothing half-written is ever recorded.
/// </summary>
public sealed class ArtifactStoreUnavailableException(string message, Exception? inner = null) : IOException(message, inner)
{
    public const string Code = "artifacts.unavailable";

    /// <summary>The gRPC trailer that carries <see cref="Code"/> from render to dispatch.</summary>
    public const string GrpcTrailer = "ministudio-error-code";
}

/// <summary>Where the objects of an <see cref="ArtifactStore"/> live: its own folder, or an S3-compatible bucket.</summary>
internal abstract class ArtifactBackend : IDisposable
{
    /// <summary>Stores the finished file at <paramref name="path"/> (whose SHA-256 is <paramref name="hash"/>), consuming the file.</summary>
    public abstract Task CommitAsync(string hash, string path, CancellationToken ct);

    public abstract Task<bool> ExistsAsync(string hash, CancellationToken ct);

    /// <summary>The artifact as a local file that tools can open; null when it is not stored.</summary>
    public abstract Task<string?> LocalPathAsync(string hash, CancellationToken ct);

    /// <summary>A seekable read of the artifact (range requests seek it); null when it is not stored.</summary>
    public abstract Task<Stream?> OpenReadAsync(string hash, CancellationToken ct);

    public abstract Task<bool> DeleteAsync(string hash, CancellationToken ct);

    public abstract Task PutRecipeAsync(string recipe, string hash, CancellationToken ct);

    public abstract Task<string?> GetRecipeAsync(string recipe, CancellationToken ct);

    public abstract IAsyncEnumerable<StoredArtifact> ListAsync(CancellationToken ct);

    /// <summary>Local copies of remote objects, swept like scratch folders; null when the objects are local already.</summary>
    public virtual string? CacheFolder => null;

    public virtual void Dispose()
    {
    }
}
