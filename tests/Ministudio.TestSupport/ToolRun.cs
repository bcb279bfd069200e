using System.Diagnostics;

namespace Ministudio.TestSupport;

/// <summary>Runs ffmpeg, ffprobe, the CLI and friends for tests: an argument list, no shell; a failing tool throws with its stderr (unless its exit code is the point).</summary>
public static class ToolRun
{
    /// <summary>The tool's standard output (ffprobe's JSON).</summary>
    public static async Task<string> StdoutAsync(string program, IReadOnlyList<string> arguments) => (await RunAsync(program, arguments)).Stdout;

    /// <summary>The tool's standard error (where ffmpeg's filters, e.g. ebur128 or silencedetect, report).</summary>
    public static async Task<string> StderrAsync(string program, IReadOnlyList<string> arguments) => (await RunAsync(program, arguments)).Stderr;

    private static async Task<(string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var (exit, stdout, stderr) = await ExitAsync(program, arguments);
        if (exit != 0) throw new InvalidOperationException($"{program} failed ({exit}): {stderr}");
        return (stdout, stderr);
    }

    /// <summary>
    /// Runs a program to its end and answers its exit code and output, whatever the code (tests of exit codes);
    /// <paramref name="environment"/> sets (a value) or removes (null) variables of its environment.
    /// </summary>
    public static async Task<(int Exit, string Stdout, string Stderr)> ExitAsync(string program, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// The <c>ministudio</c> CLI as a user gets it: packed (already built, this configuration) and installed with
    /// <c>dotnet tool install</c> from that package into <paramref name="folder"/>; answers the command's path.
    /// </summary>
    public static async Task<string> InstallCliAsync(string folder)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var packages = Path.Combine(folder, "packages");
        var tools = Path.Combine(folder, "tools");
        var pack = await ExitAsync("dotnet", ["pack", Path.Combine(Repository.Root, "tools", "Ministudio.Cli"), "-c", configuration, "--no-build", "-o", packages]);
        if (pack.Exit != 0) throw new InvalidOperationException($"dotnet pack failed: {pack.Stdout}{pack.Stderr}");
        var install = await ExitAsync("dotnet", ["tool", "install", "Ministudio.Cli", "--tool-path", tools, "--add-source", packages]);
        if (install.Exit != 0) throw new InvalidOperationException($"dotnet tool install failed: {install.Stdout}{install.Stderr}");
        return Path.Combine(tools, "ministudio");
    }
}
