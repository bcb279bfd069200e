using System.Diagnostics;

namespace Ministudio.Bench;

/// <summary>
/// Sampled thread-time traces (dotnet-trace, a NuGet global tool) of the platform's .NET processes while a measure
/// runs, for the profile behind a row: bench/run.sh asks for them with <c>BENCH_TRACE=1</c>. Each trace lasts a fixed
/// time from the start of the measured run and goes to <c>DIR/MEASURE-NAME.nettrace</c> (and <c>.speedscope.json</c>);
/// read with <c>dotnet-trace report FILE topN --inclusive</c>.
/// </summary>
public sealed class ProcessTraces : IAsyncDisposable
{
    private readonly List<Process> _running = [];

    private ProcessTraces()
    {
    }

    /// <summary>Starts one trace per process of <paramref name="processes"/> (<c>name:pid,…</c>); none when <paramref name="directory"/> is null.</summary>
    public static ProcessTraces Start(string? directory, string measure, string? processes, TimeSpan duration)
    {
        var traces = new ProcessTraces();
        if (directory is null || processes is null) return traces;
        var tool = Tool();
        foreach (var (name, pid) in ProcessCpu.Parse(processes).Processes.Where(p => p.Name != "bench"))
        {
            var output = Path.Combine(directory, $"{measure}-{name}.nettrace");
            var start = new ProcessStartInfo(tool)
            {
                ArgumentList = { "collect", "-p", pid.ToString(), "--profile", "dotnet-sampled-thread-time", "--format", "Speedscope",
                    "--duration", duration.ToString(@"dd\:hh\:mm\:ss"), "-o", output },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            try
            {
                var process = Process.Start(start)!;
                // Drained so a full pipe never stalls the tool.
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                traces._running.Add(process);
                Console.WriteLine($"tracing {name} (pid {pid}) for {duration.TotalSeconds:F0} s → {output}");
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                Console.WriteLine($"no trace of {name}: {tool} could not start ({ex.Message}); install it with `dotnet tool install -g dotnet-trace`");
                break;
            }
        }
        return traces;
    }

    private static string Tool()
    {
        var installed = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-trace");
        return File.Exists(installed) ? installed : "dotnet-trace";
    }

    /// <summary>Waits for every trace to be written (bounded: a minute each).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _running)
        {
            using (process)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                }
            }
        }
    }
}
