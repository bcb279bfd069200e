using System.Diagnostics;
using System.Text;

namespace Ministudio.Platform;

/// <summary>What a finished tool run printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// The one way services run ffmpeg, ffprobe and espeak-ng: an argument list (never a shell), an optional working
/// folder and stdin, output lines as they come, and the whole process tree killed when cancelled.
/// </summary>
public static class ToolProcess
{
    /// <summary>Inputs are files in our own folders: refuse every other protocol ffmpeg could be talked into opening.</summary>
    public static readonly IReadOnlyList<string> LocalOnly = ["-protocol_whitelist", "file"];

    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, CancellationToken ct, string? standardInput = null, Action<string>? onOutputLine = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = standardInput is null ? null : new UTF8Encoding(false),
            UseShellExecute = false,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.AppendLine(e.Data);
            onOutputLine?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errors)
            {
                errors.AppendLine(e.Data);
                // Keep the tail: enough to say what failed without holding a runaway log.
                if (errors.Length > 16384) errors.Remove(0, errors.Length - 8192);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (standardInput is not null) await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct);
            // A tool never waits for input it was not given.
            process.StandardInput.Close();
            await process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // Cancelled work must not leave a tool running: kill it before giving up the handle.
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        // The parameterless wait drains the asynchronous readers.
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.ToString(), errors.ToString());
    }

    /// <summary>The last lines of a tool's error output, enough to say what went wrong without flooding a job's error.</summary>
    public static string Tail(string text, int characters = 600) =>
        text.Length <= characters ? text.Trim() : text[^characters..].Trim();
}
