using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Ministudio.AppHost.Hosting;

/// <summary>Facts about this machine and this checkout the launcher needs.</summary>
internal static class HostEnvironment
{
    public const string SolutionFile = "Ministudio.sln";

    public static string FindRepositoryRoot() =>
        FindAbove(AppContext.BaseDirectory) ?? FindAbove(Environment.CurrentDirectory)
        ?? throw new DistributedApplicationException(
            $"{SolutionFile} not found above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}: run the AppHost from the repository.");

    /// <summary>Debug or Release: services are started from the build output of the AppHost's own configuration.</summary>
    public static string BuildConfiguration =>
        typeof(HostEnvironment).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";

    /// <summary>The dotnet host that runs this process, so services run on the same SDK/runtime install.</summary>
    public static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath)) return hostPath;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, "dotnet")))
            return Path.Combine(root, "dotnet");
        return FindExecutable("dotnet") ?? throw new DistributedApplicationException("dotnet not found on PATH: install the .NET 10 SDK (https://dot.net).");
    }

    public static string? FindExecutable(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate) && IsExecutable(candidate)) return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows()
        || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;

    public static string RequireExecutable(string name, string debianPackage) =>
        FindExecutable(name) ?? throw MissingBinary(name, debianPackage);

    public static DistributedApplicationException MissingBinary(string name, string debianPackage) =>
        new($"{name} not found: install it with: sudo apt-get install -y {debianPackage}");

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile))) return directory.FullName;
        }
        return null;
    }
}

/// <summary>
/// Hands out loopback ports, holding each one bound until <see cref="Dispose"/> so no two resources get the same port;
/// the processes bind them right after.
/// </summary>
internal sealed class PortAllocator : IDisposable
{
    private readonly List<TcpListener> _held = [];

    public int Free() => Hold(0)!.Value;

    /// <summary>The preferred port when it is free on 127.0.0.1; otherwise null.</summary>
    public int? TryFixed(int port) => Hold(port);

    public void Dispose()
    {
        foreach (var listener in _held) listener.Stop();
        _held.Clear();
    }

    private int? Hold(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
        }
        catch (SocketException) when (port != 0)
        {
            return null;
        }
        _held.Add(listener);
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
