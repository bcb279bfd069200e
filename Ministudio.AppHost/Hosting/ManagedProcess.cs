using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ministudio.AppHost.Hosting;

/// <summary>What to run for a resource.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public Dictionary<string, string> Environment { get; init; } = [];

    /// <summary>Inherited variables to drop, matched by prefix (case-insensitive).</summary>
    public IReadOnlyList<string> RemovedEnvironmentPrefixes { get; init; } = [];

    /// <summary>Run as this user (the launcher must be root); null: as the launcher's user.</summary>
    public string? UserName { get; init; }
}

/// <summary>
/// A child process in its own session and process group (through <c>setsid</c>): a terminal's Ctrl+C reaches only the
/// launcher, which then stops resources in order, and a stop signal reaches the process's own children too.
/// </summary>
internal sealed class ManagedProcess
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly ResourceLog _log;

    private ManagedProcess(Process process, ResourceLog log)
    {
        _process = process;
        _log = log;
        Exited = process.WaitForExitAsync();
    }

    public int Id => _process.Id;

    public Task Exited { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static ManagedProcess Start(ProcessSpec spec, ResourceLog log)
    {
        var setsid = HostEnvironment.RequireExecutable("setsid", "util-linux");
        var startInfo = new ProcessStartInfo(setsid)
        {
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UserName = spec.UserName,
        };
        startInfo.ArgumentList.Add(spec.FileName);
        foreach (var argument in spec.Arguments) startInfo.ArgumentList.Add(argument);
        foreach (var inherited in startInfo.Environment.Keys.ToList())
        {
            if (spec.RemovedEnvironmentPrefixes.Any(prefix => inherited.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                startInfo.Environment.Remove(inherited);
        }
        foreach (var (key, value) in spec.Environment) startInfo.Environment[key] = value;

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Line(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Line(e.Data); };
        process.Start();
        // Services never read the console; an immediate EOF keeps them from ever waiting on it.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ManagedProcess(process, log);
    }

    /// <summary>Runs a short command to completion (initdb, chown, epmd -kill) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToEndAsync(
        string fileName, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, string? userName,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UserName = userName,
        };
        foreach (var argument in arguments) startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) startInfo.Environment[key] = value;
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    /// <summary>
    /// Sends <paramref name="gracefulSignal"/> to the process group, waits up to <paramref name="timeout"/>, then kills the
    /// group; whatever is left of the group afterwards is killed too.
    /// </summary>
    public async Task StopAsync(StopSignal gracefulSignal, TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            SignalGroup(gracefulSignal == StopSignal.Interrupt ? SigInt : SigTerm);
            using var patience = new CancellationTokenSource(timeout);
            try
            {
                await Exited.WaitAsync(patience.Token);
            }
            catch (OperationCanceledException)
            {
                _log.Error($"did not stop within {timeout.TotalSeconds:0} s; killing process group {Id}");
            }
        }
        // Children that outlived their parent (or a process that ignored the signal) go with the group.
        SignalGroup(SigKill);
        try
        {
            // Bounded: a process that left the group could still hold the output pipe open.
            await Exited.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            _log.Error($"process {Id} was killed but its output did not close");
        }
    }

    private void SignalGroup(int signal)
    {
        // ESRCH (group already gone) is the expected outcome once everything has exited.
        _ = Kill(-_process.Id, signal);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}

internal enum StopSignal
{
    /// <summary>SIGTERM: the graceful stop of .NET hosts, Redis and RabbitMQ.</summary>
    Terminate,

    /// <summary>SIGINT: PostgreSQL's "fast" shutdown (SIGTERM would wait for every client to disconnect).</summary>
    Interrupt,
}
