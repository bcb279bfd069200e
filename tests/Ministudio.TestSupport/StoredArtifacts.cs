using Ministudio.Platform;

namespace Ministudio.TestSupport;

/// <summary>Synchronous looks into a store for assertions (the store itself is asynchronous: it may be remote).</summary>
public static class StoredArtifacts
{
    /// <summary>The local file of a stored artifact (fetched first from a remote store).</summary>
    public static string PathOf(this ArtifactStore store, string hash) =>
        store.FetchAsync(hash).GetAwaiter().GetResult() ?? throw new FileNotFoundException($"Artifact {hash} is not in the store.");

    public static bool Contains(this ArtifactStore store, string hash) => store.ContainsAsync(hash).GetAwaiter().GetResult();
}
