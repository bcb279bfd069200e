using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ministudio.Compose.Audio;

/// <summary>What a finished tool run printed.</summary>
public sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs ffmpeg, ffprobe and espeak-ng with an argument list (never a shell), optionally feeding stdin, and kills the
/// whole process tree when cancelled. ffmpeg and ffprobe are told to open local files only.
/// </summary>
public static class MediaProcess
{
    /// <summary>Inputs are files in our own folders: refuse every other protocol ffmpeg could be talked into opening.</summary>
    public static readonly string[] LocalOnly = ["-protocol_whitelist", "file"];

    public static async Task<ProcessResult> RunAsync(
        string program, IEnumerable<string> arguments, CancellationToken ct, string? standardInput = null, Action<string>? onOutputLine = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            StandardInputEncoding = standardInput is null ? null : new UTF8Encoding(false),
            UseShellExecute = false,
        };
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
            lock (errors) errors.AppendLine(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct);
                process.StandardInput.Close();
            }
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

    /// <summary>The length of a local audio file in seconds, from its first audio stream.</summary>
    public static async Task<double> AudioDurationAsync(string path, CancellationToken ct)
    {
        var result = await RunAsync("ffprobe",
            [.. LocalOnly, "-v", "error", "-select_streams", "a:0", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path], ct);
        return result.ExitCode == 0 && double.TryParse(result.StandardOutput.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : throw new InvalidDataException($"ffprobe could not read {Path.GetFileName(path)}: {Tail(result.StandardError)}");
    }

    /// <summary>Decodes any audio ffmpeg reads into 16-bit PCM WAV with a correct header (streamed WAVs often lack one).</summary>
    public static async Task ToWavAsync(string input, string output, CancellationToken ct)
    {
        var result = await RunAsync("ffmpeg",
            ["-nostdin", "-v", "error", "-y", .. LocalOnly, "-i", input, "-vn", "-c:a", "pcm_s16le", "-f", "wav", output], ct);
        if (result.ExitCode != 0) throw new InvalidDataException($"ffmpeg could not decode {Path.GetFileName(input)}: {Tail(result.StandardError)}");
    }

    /// <summary>The last lines of a tool's error output, enough to say what went wrong without flooding a job's error.</summary>
    public static string Tail(string text, int characters = 600) =>
        text.Length <= characters ? text.Trim() : text[^characters..].Trim();

    public static string Invariant(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
