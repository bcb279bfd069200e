namespace Ministudio.TestSupport;

public static class Repository
{
    /// <summary>The checkout the tests run from: the folder above the test binaries that holds Ministudio.sln.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Ministudio.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Ministudio.sln not found above the test binaries.");
    }
}
