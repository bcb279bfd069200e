using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.ServiceDefaults;

namespace Ministudio.Platform;

/// <summary>
/// Content-addressed file store on a folder every service shares: a file's name is the SHA-256 of its bytes,
/// so a clip rendered twice is stored once and a hash in a message is enough to find it.
/// </summary>
public sealed class ArtifactStore
{
    public const string RootKey = "Artifacts:Root";

    private readonly string _objects;
    private readonly string _scratch;
    private readonly string _recipes;

    public ArtifactStore(string root)
    {
        Root = Path.GetFullPath(root);
        _objects = Path.Combine(Root, "sha256");
        _scratch = Path.Combine(Root, "scratch");
        _recipes = Path.Combine(Root, "recipes");
        Directory.CreateDirectory(_objects);
        Directory.CreateDirectory(_recipes);
        Directory.CreateDirectory(_scratch);
    }

    public string Root { get; }

    /// <summary>A fresh folder on the store's file system, so finished files can be moved in atomically.</summary>
    public string CreateScratchFolder()
    {
        var folder = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Moves a finished file into the store and returns its hash.</summary>
    public async Task<string> AddFileAsync(string path, CancellationToken cancellationToken = default)
    {
        string hash;
        await using (var stream = File.OpenRead(path))
        {
            hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
        }

        var target = PathOf(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            File.Delete(path);
        }
        else
        {
            File.Move(path, target, overwrite: true);
        }
        return hash;
    }

    /// <summary>
    /// Remembers that the work named by <paramref name="recipe"/> (a SHA-256 of its inputs) produced
    /// <paramref name="hash"/>, so the same work asked again can reuse it without running.
    /// </summary>
    public async Task RememberAsync(string recipe, string hash, CancellationToken cancellationToken = default)
    {
        if (!Contains(hash)) throw new ArgumentException($"'{hash}' is not an artifact in the store.", nameof(hash));
        var target = RecipePath(recipe);
        // Written aside and moved into place, so a reader never sees half a recipe.
        var temporary = Path.Combine(_scratch, $"{Guid.NewGuid():N}.recipe");
        await File.WriteAllTextAsync(temporary, hash, cancellationToken);
        File.Move(temporary, target, overwrite: true);
    }

    /// <summary>The artifact a recipe produced before, if it is still in the store.</summary>
    public async Task<string?> RecallAsync(string recipe, CancellationToken cancellationToken = default)
    {
        var path = RecipePath(recipe);
        if (!File.Exists(path)) return null;
        var hash = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        return Contains(hash) ? hash : null;
    }

    private string RecipePath(string recipe) =>
        IsHash(recipe) ? Path.Combine(_recipes, recipe) : throw new ArgumentException($"'{recipe}' is not a SHA-256 recipe key.", nameof(recipe));

    public bool Contains(string hash) => IsHash(hash) && File.Exists(PathOf(hash));

    /// <summary>Removes a stored file (erasure); false when it was not there.</summary>
    public bool Delete(string hash)
    {
        if (!Contains(hash)) return false;
        File.Delete(PathOf(hash));
        return true;
    }

    /// <summary>The file of a hash; throws for anything that is not a 64-digit lower-case hex hash.</summary>
    public string PathOf(string hash)
    {
        if (!IsHash(hash))
        {
            throw new ArgumentException($"'{hash}' is not a SHA-256 artifact hash.", nameof(hash));
        }
        return Path.Combine(_objects, hash[..2], hash);
    }

    public static bool IsHash(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}

public static class ArtifactStoreExtensions
{
    /// <summary>The shared artifact folder from Artifacts:Root.</summary>
    public static IHostApplicationBuilder AddArtifactStore(this IHostApplicationBuilder builder)
    {
        var root = builder.Configuration.GetRequiredValue(ArtifactStore.RootKey);
        builder.Services.AddSingleton(new ArtifactStore(root));
        return builder;
    }
}
