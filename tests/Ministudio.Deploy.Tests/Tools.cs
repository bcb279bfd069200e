using System.Diagnostics;
using System.Text;

namespace Ministudio.Deploy.Tests;

public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string Describe(string command) => $"{command} exited {ExitCode}\n--- stdout ---\n{Tail(Output)}\n--- stderr ---\n{Tail(Error)}";
    private static string Tail(string text) => text.Length > 6000 ? "…" + text[^6000..] : text;
}

/// <summary>The command-line tools these tests drive (kubectl, node, npm, podman), run with argument lists.</summary>
public static class Tools
{
    /// <summary>
    /// The path of a tool, or a skipped test where it is missing on a developer's machine. In CI (CI=true) a missing
    /// tool fails the test: the scripts install everything it needs there.
    /// </summary>
    public static string Require(string name, string installHint)
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
        if (found is not null) return found;
        Unavailable($"{name} is not installed ({installHint}).");
        return null!;
    }

    /// <summary>Something a test needs is missing: a skip with the reason on a developer's machine, a failure in CI (CI=true).</summary>
    public static void Unavailable(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(reason + " CI must have it.");
        Assert.Skip(reason);
    }

    public static async Task<ProcessResult> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null, string? input = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = workingDirectory ?? Ministudio.TestSupport.Repository.Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        using var cancellation = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} ran past {timeout ?? TimeSpan.FromMinutes(2)}.");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }
}
