namespace Ministudio.AppHost.Infrastructure;

/// <summary>Finds the machine's own server binaries; a missing one stops the AppHost naming the package to install.</summary>
internal static class MachineBinaries
{
    public static string Require(string executable, string debianPackage, params string[] knownPaths) =>
        Find(executable, knownPaths)
        ?? throw new InvalidOperationException(
            $"'{executable}' was not found on this machine. Install it (Debian: apt-get install -y {debianPackage}) " +
            "or run the infrastructure in containers with --Ministudio:Infrastructure=containers.");

    public static string? Find(string executable, params string[] knownPaths)
    {
        foreach (var known in knownPaths)
        {
            if (File.Exists(known)) return known;
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, executable))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>PostgreSQL's server binaries: on PATH, else Debian's newest /usr/lib/postgresql/N/bin.</summary>
    public static string RequirePostgresBin()
    {
        if (Find("initdb") is { } initdb) return Path.GetDirectoryName(initdb)!;
        const string debianRoot = "/usr/lib/postgresql";
        var newest = Directory.Exists(debianRoot)
            ? Directory.GetDirectories(debianRoot)
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), out var n) ? n : -1, Bin: Path.Combine(version, "bin")))
                .Where(candidate => File.Exists(Path.Combine(candidate.Bin, "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest ?? Require("initdb", "postgresql");
    }
}
