using System.Diagnostics;

namespace Ministudio.TestSupport;

/// <summary>Runs ffmpeg, ffprobe and friends for tests: an argument list, no shell; a failing tool throws with its stderr.</summary>
public static class ToolRun
{
    /// <summary>The tool's standard output (ffprobe's JSON).</summary>
    public static async Task<string> StdoutAsync(string program, IReadOnlyList<string> arguments) => (await RunAsync(program, arguments)).Stdout;

    /// <summary>The tool's standard error (where ffmpeg's filters, e.g. ebur128 or silencedetect, report).</summary>
    public static async Task<string> StderrAsync(string program, IReadOnlyList<string> arguments) => (await RunAsync(program, arguments)).Stderr;

    private static async Task<(string Stdout, string Stderr)> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {await stderr}");
        return (await stdout, await stderr);
    }
}
