namespace Ministudio.AppHost;

/// <summary>
/// One AppHost per data folder: a second one would start a second PostgreSQL on the same cluster. The lock is an
/// open file, so a killed AppHost leaves nothing stale behind (the kernel drops the lock with the process).
/// </summary>
public sealed class DataFolderLock : IDisposable
{
    private readonly FileStream _file;

    private DataFolderLock(FileStream file) => _file = file;

    public static DataFolderLock Acquire(string dataRoot)
    {
        var path = Path.Combine(dataRoot, "apphost.lock");
        try
        {
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            file.SetLength(0);
            using (var writer = new StreamWriter(file, leaveOpen: true)) writer.Write(Environment.ProcessId);
            return new DataFolderLock(file);
        }
        catch (IOException)
        {
            throw new InvalidOperationException(
                $"Another Ministudio AppHost is running with the data folder {dataRoot}. Stop it first, " +
                "or give this one its own folder with --Ministudio:DataRoot=<folder>.");
        }
    }

    public void Dispose() => _file.Dispose();
}
