using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.AppHost;

/// <summary>
/// The key of the "development" tenant: generated once (<see cref="ApiKeys"/>, type "dev"), kept in
/// <c>{DataRoot}/dev-api-key</c> so it survives restarts (and the PostgreSQL data that already holds its hash).
/// </summary>
public static class DevelopmentApiKey
{
    public static string FilePath(string dataRoot) => Path.Combine(dataRoot, "dev-api-key");

    public static string LoadOrCreate(string dataRoot)
    {
        var path = FilePath(dataRoot);
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            return ApiKeys.IsWellFormed(stored)
                ? stored
                : throw new InvalidOperationException($"{path} does not hold a well-formed Ministudio key (keys from before the checksummed format are refused); delete it to get a new one.");
        }

        var key = ApiKeys.Generate(ApiKeys.Development);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        // Owner-only: the key authenticates as the development tenant.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            writer.WriteLine(key);
        }
        return key;
    }
}
