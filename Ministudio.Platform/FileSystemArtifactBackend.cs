using System.Runtime.CompilerServices;

namespace Ministudio.Platform;

/// <summary>Objects under <c>{root}/sha256/ab/abcd…</c>, recipes under <c>{root}/recipes</c>, on a folder every service shares.</summary>
internal sealed class FileSystemArtifactBackend : ArtifactBackend
{
    private readonly string _objects;
    private readonly string _recipes;
    private readonly string _scratch;

    public FileSystemArtifactBackend(string root, string scratch)
    {
        _objects = Path.Combine(root, "sha256");
        _recipes = Path.Combine(root, "recipes");
        _scratch = scratch;
        Directory.CreateDirectory(_objects);
        Directory.CreateDirectory(_recipes);
    }

    public string PathOf(string hash) => Path.Combine(_objects, hash[..2], hash);

    public override Task CommitAsync(string hash, string path, CancellationToken ct)
    {
        var target = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            File.Delete(path);
            // Added again now: retention counts its age from here.
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
        }
        else
        {
            // A rename on the same file system: readers see all of the file or none of it.
            File.Move(path, target, overwrite: true);
        }
        return Task.CompletedTask;
    }

    public override Task<bool> ExistsAsync(string hash, CancellationToken ct) => Task.FromResult(File.Exists(PathOf(hash)));

    public override Task<string?> LocalPathAsync(string hash, CancellationToken ct) =>
        Task.FromResult(File.Exists(PathOf(hash)) ? PathOf(hash) : null);

    public override Task<Stream?> OpenReadAsync(string hash, CancellationToken ct)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(hash), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public override Task<bool> DeleteAsync(string hash, CancellationToken ct)
    {
        if (!File.Exists(PathOf(hash))) return Task.FromResult(false);
        File.Delete(PathOf(hash));
        return Task.FromResult(true);
    }

    public override async Task PutRecipeAsync(string recipe, string hash, CancellationToken ct)
    {
        // Written aside and moved into place, so a reader never sees half a recipe.
        var temporary = Path.Combine(_scratch, $"{Guid.NewGuid():N}.recipe");
        await File.WriteAllTextAsync(temporary, hash, ct);
        File.Move(temporary, Path.Combine(_recipes, recipe), overwrite: true);
    }

    public override async Task<string?> GetRecipeAsync(string recipe, CancellationToken ct)
    {
        var path = Path.Combine(_recipes, recipe);
        return File.Exists(path) ? (await File.ReadAllTextAsync(path, ct)).Trim() : null;
    }

    public override async IAsyncEnumerable<StoredArtifact> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var file in new DirectoryInfo(_objects).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            if (ArtifactStore.IsHash(file.Name)) yield return new StoredArtifact(file.Name, file.Length, file.LastWriteTimeUtc);
        }
        await Task.CompletedTask;
    }
}
