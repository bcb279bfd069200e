using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ministudio.ServiceDefaults;

namespace Ministudio.Platform;

/// <summary>
/// Content-addressed artifact store: an artifact's name is the SHA-256 of its bytes, so a clip rendered twice is
/// stored once and a hash in a message is enough to find it. The objects live in a folder every service shares or in
/// an S3-compatible bucket (<see cref="ArtifactOptions.Backend"/>); work happens in local scratch folders either way.
/// </summary>
public sealed class ArtifactStore : IDisposable
{
    public const string RootKey = "Artifacts:Root";

    private readonly string _scratch;
    private readonly ArtifactBackend _backend;

    public ArtifactStore(string root) : this(new ArtifactOptions { Root = root })
    {
    }

    public ArtifactStore(ArtifactOptions options)
    {
        if (options.Problem() is { } problem) throw new ArgumentException(problem, nameof(options));
        Root = Path.GetFullPath(options.Root);
        _scratch = Path.Combine(Root, "scratch");
        Directory.CreateDirectory(_scratch);
        _backend = options.UsesS3 ? new S3ArtifactBackend(options.S3, Root, _scratch) : new FileSystemArtifactBackend(Root, _scratch);
    }

    /// <summary>The local folder: scratch space, and the objects themselves with the file-system backend.</summary>
    public string Root { get; }

    /// <summary>A fresh local folder on the store's file system, so finished files can be moved in atomically.</summary>
    public string CreateScratchFolder()
    {
        var folder = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Moves a finished file into the store and returns its hash. Throws <see cref="ArtifactStoreUnavailableException"/>
    /// when the store cannot take it; the artifact is then not stored at all, never in part.
    /// </summary>
    public async Task<string> AddFileAsync(string path, CancellationToken cancellationToken = default)
    {
        string hash;
        await using (var stream = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }
        try
        {
            await _backend.CommitAsync(hash, path, cancellationToken);
        }
        catch (IOException ex) when (IsStorageFull(ex))
        {
            throw new ArtifactStoreUnavailableException("The artifact store is full.", ex);
        }
        return hash;
    }

    /// <summary>
    /// Remembers that the work named by <paramref name="recipe"/> (a SHA-256 of its inputs) produced
    /// <paramref name="hash"/>, so the same work asked again can reuse it without running.
    /// </summary>
    public async Task RememberAsync(string recipe, string hash, CancellationToken cancellationToken = default)
    {
        CheckRecipe(recipe);
        if (!await ContainsAsync(hash, cancellationToken)) throw new ArgumentException($"'{hash}' is not an artifact in the store.", nameof(hash));
        await _backend.PutRecipeAsync(recipe, hash, cancellationToken);
    }

    /// <summary>The artifact a recipe produced before, if it is still in the store.</summary>
    public async Task<string?> RecallAsync(string recipe, CancellationToken cancellationToken = default)
    {
        CheckRecipe(recipe);
        return await _backend.GetRecipeAsync(recipe, cancellationToken) is { } hash && await ContainsAsync(hash, cancellationToken) ? hash : null;
    }

    public async Task<bool> ContainsAsync(string hash, CancellationToken cancellationToken = default) =>
        IsHash(hash) && await _backend.ExistsAsync(hash, cancellationToken);

    /// <summary>
    /// The artifact as a local file that tools (ffmpeg) can open, fetched first when the store is remote; null when
    /// the store does not have it. Throws for anything that is not a 64-digit lower-case hex hash.
    /// </summary>
    public Task<string?> FetchAsync(string hash, CancellationToken cancellationToken = default) =>
        _backend.LocalPathAsync(CheckHash(hash), cancellationToken);

    /// <summary>A seekable stream of the artifact, read as it is consumed (range requests read only their range); null when absent.</summary>
    public Task<Stream?> OpenReadAsync(string hash, CancellationToken cancellationToken = default) =>
        _backend.OpenReadAsync(CheckHash(hash), cancellationToken);

    /// <summary>Removes a stored artifact (erasure, retention); false when it was not there.</summary>
    public async Task<bool> DeleteAsync(string hash, CancellationToken cancellationToken = default) =>
        IsHash(hash) && await _backend.DeleteAsync(hash, cancellationToken);

    /// <summary>Every stored artifact, with its size and when it was last stored.</summary>
    public IAsyncEnumerable<StoredArtifact> ListAsync(CancellationToken cancellationToken = default) => _backend.ListAsync(cancellationToken);

    /// <summary>
    /// Deletes scratch folders and files (and local copies of remote objects) nothing has written to since
    /// <paramref name="before"/>: the leftovers of work that crashed. Returns how many it deleted.
    /// </summary>
    public int SweepScratch(DateTimeOffset before)
    {
        var swept = 0;
        foreach (var entry in new DirectoryInfo(_scratch).EnumerateFileSystemInfos())
        {
            if (LastWrite(entry) >= before) continue;
            try
            {
                if (entry is DirectoryInfo folder) folder.Delete(recursive: true);
                else entry.Delete();
                swept++;
            }
            catch (IOException)
            {
                // Being written or deleted by its owner right now: the next sweep looks again.
            }
        }
        if (_backend.CacheFolder is { } cache)
        {
            foreach (var file in new DirectoryInfo(cache).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => f.LastWriteTimeUtc < before))
            {
                file.Delete();
                swept++;
            }
        }
        return swept;
    }

    private static DateTimeOffset LastWrite(FileSystemInfo entry) => entry is DirectoryInfo folder
        ? folder.EnumerateFileSystemInfos("*", SearchOption.AllDirectories).Select(e => e.LastWriteTimeUtc).Append(folder.LastWriteTimeUtc).Max()
        : entry.LastWriteTimeUtc;

    public static bool IsHash(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static string CheckHash(string hash) =>
        IsHash(hash) ? hash : throw new ArgumentException($"'{hash}' is not a SHA-256 artifact hash.", nameof(hash));

    private static void CheckRecipe(string recipe)
    {
        if (!IsHash(recipe)) throw new ArgumentException($"'{recipe}' is not a SHA-256 recipe key.", nameof(recipe));
    }

    /// <summary>ENOSPC or EDQUOT: the disk (or the quota) is full.</summary>
    public static bool IsStorageFull(IOException ex) => ex.HResult is 28 or 122 || ex.InnerException is IOException { HResult: 28 or 122 };

    public void Dispose() => _backend.Dispose();
}

public static class ArtifactStoreExtensions
{
    /// <summary>The artifact store from the <c>Artifacts</c> section (Artifacts:Root required), and its scratch sweep.</summary>
    public static IHostApplicationBuilder AddArtifactStore(this IHostApplicationBuilder builder)
    {
        builder.Configuration.GetRequiredValue(ArtifactStore.RootKey);
        builder.Services.AddOptions<ArtifactOptions>().BindConfiguration(ArtifactOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ArtifactOptions>, ArtifactOptionsValidator>();
        builder.Services.AddSingleton(services => new ArtifactStore(services.GetRequiredService<IOptions<ArtifactOptions>>().Value));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddPublicUrls();
        builder.Services.AddSingleton<ArtifactUrls>();
        builder.Services.AddHostedService<ScratchSweeper>();
        return builder;
    }
}

internal sealed class ArtifactOptionsValidator : IValidateOptions<ArtifactOptions>
{
    public ValidateOptionsResult Validate(string? name, ArtifactOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
