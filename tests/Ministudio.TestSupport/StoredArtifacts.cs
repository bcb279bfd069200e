using Ministudio.Platform;

namespace Ministudio.TestSupport;

/// <summary>Synchronous looks into a store for assertions (the store itself is asynchronous: it may be remote).</summary>
public static class StoredArtifacts
{
    /// <summary>The local file of a stored artifact (fetched first from a remote store).</summary>
    public static string PathOf(this ArtifactStore store, string hash) =>
        store.FetchAsync(hash).GetAwaiter().GetResult() ?? throw new FileNotFoundException($"Artifact {hash} is not in the store.");

    public static bool Contains(this ArtifactStore store, string hash) => store.ContainsAsync(hash).GetAwaiter().GetResult();

    /// <summary>Stores <paramref name="content"/> as an artifact (written to a scratch file named <paramref name="fileName"/>) and returns its hash.</summary>
    public static async Task<string> AddTextAsync(this ArtifactStore store, string content, string fileName = "artifact", CancellationToken ct = default)
    {
        var file = Path.Combine(store.CreateScratchFolder(), fileName);
        await File.WriteAllTextAsync(file, content, ct);
        return await store.AddFileAsync(file, ct);
    }
}
