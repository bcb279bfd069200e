using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Ministudio.AppHost;

/// <summary>
/// The key of the "development" tenant: generated once with a CSPRNG, kept in <c>.ministudio/dev-api-key</c> so it
/// survives restarts (and the PostgreSQL data that already holds its hash).
/// </summary>
public static partial class DevelopmentApiKey
{
    public static string FilePath(string repositoryRoot) => Path.Combine(repositoryRoot, ".ministudio", "dev-api-key");

    public static string LoadOrCreate(string repositoryRoot)
    {
        var path = FilePath(repositoryRoot);
        if (File.Exists(path))
        {
            var stored = File.ReadAllText(path).Trim();
            return KeyFormat().IsMatch(stored)
                ? stored
                : throw new InvalidOperationException($"{path} does not hold a key of the form ms_dev_<32 hex digits>; delete it to get a new one.");
        }

        var key = $"ms_dev_{RandomNumberGenerator.GetHexString(32, lowercase: true)}";
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

    [GeneratedRegex("^ms_dev_[0-9a-f]{32}$")]
    private static partial Regex KeyFormat();
}
