using System.Globalization;

namespace Ministudio.Bench;

/// <summary>
/// CPU time of the platform's processes, read from /proc (Linux): what a measure cost each process, whatever else
/// shared the machine. A process counts with its live descendants (PostgreSQL's backends, RabbitMQ's helpers) and its
/// children that ended and were waited for (render's ffmpeg).
/// </summary>
public sealed class ProcessCpu(IReadOnlyList<(string Name, int Pid)> processes)
{
    private const double TicksPerSecond = 100;

    public IReadOnlyList<(string Name, int Pid)> Processes => processes;

    /// <summary>From <c>name:pid,name:pid…</c> (bench/run.sh passes the services and the infrastructure); the bench itself is added.</summary>
    public static ProcessCpu Parse(string? list) => new(
        [.. (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split(':'))
            .Where(parts => parts.Length == 2 && int.TryParse(parts[1], out _))
            .Select(parts => (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture))),
         ("bench", Environment.ProcessId)]);

    /// <summary>CPU seconds used so far by each process (with its descendants); a process that is gone counts 0.</summary>
    public IReadOnlyDictionary<string, double> Snapshot()
    {
        var table = ReadAll();
        var children = table.Values.ToLookup(p => p.ParentPid, p => p.Pid);
        return processes.ToDictionary(p => p.Name, p => Tree(p.Pid, children).Sum(pid => table.TryGetValue(pid, out var stat) ? stat.Seconds : 0));
    }

    /// <summary>
    /// CPU seconds the watched .NET processes' tiered-compilation threads (".NET Tiered Com…") used so far: the JIT
    /// recompiling hot methods, which runs long after start under load and is no part of a service's steady state.
    /// </summary>
    /// <remarks>By thread (the runtime ends an idle compiler thread and starts another): compare with <see cref="CompilingSince"/>.</remarks>
    public IReadOnlyDictionary<(int Pid, string Tid), double> Compiling() => processes
        .SelectMany(p => Threads(p.Pid).Where(thread => thread.Name.StartsWith(".NET Tiered Com", StringComparison.Ordinal))
            .Select(thread => (Key: (p.Pid, thread.Tid), thread.Seconds)))
        .ToDictionary(t => t.Key, t => t.Seconds);

    /// <summary>Compiler CPU seconds since <paramref name="before"/>, by the threads alive now.</summary>
    public double CompilingSince(IReadOnlyDictionary<(int Pid, string Tid), double> before) =>
        Compiling().Sum(thread => thread.Value - before.GetValueOrDefault(thread.Key));

    private static IEnumerable<(string Tid, string Name, double Seconds)> Threads(int pid)
    {
        string[] tasks;
        try
        {
            tasks = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break; // ended meanwhile
        }
        foreach (var task in tasks)
        {
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            var name = text[(text.IndexOf('(') + 1)..text.LastIndexOf(')')];
            yield return (Path.GetFileName(task), name, Ticks(text) / TicksPerSecond);
        }
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the watched processes other than the bench together use under a
    /// tenth of a core over a quarter second: work a measure set off (messages still queued) is done by then.
    /// </summary>
    public async Task SettleAsync(TimeSpan limit)
    {
        var window = TimeSpan.FromMilliseconds(250);
        var deadline = DateTime.UtcNow + limit;
        var before = Others(Snapshot());
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(window);
            var now = Others(Snapshot());
            if (now - before < 0.1 * window.TotalSeconds) return;
            before = now;
        }

        static double Others(IReadOnlyDictionary<string, double> snapshot) => snapshot.Where(p => p.Key != "bench").Sum(p => p.Value);
    }

    /// <summary>CPU seconds of one process and its waited-for children (not its live descendants).</summary>
    public static double SecondsOf(int pid) => Read(pid)?.Seconds ?? 0;

    /// <summary>What each process used between two snapshots, in CPU milliseconds per unit of work, e.g. "prompt 2.1, postgres 1.4".</summary>
    public static string PerUnit(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after, double units) =>
        string.Join(", ", after.Select(p => $"{p.Key} {(p.Value - before.GetValueOrDefault(p.Key)) * 1000 / Math.Max(1, units):F3}"));

    private static IEnumerable<int> Tree(int root, ILookup<int, int> children)
    {
        var pending = new Stack<int>([root]);
        var seen = new HashSet<int>();
        while (pending.TryPop(out var pid))
        {
            if (!seen.Add(pid)) continue;
            yield return pid;
            foreach (var child in children[pid]) pending.Push(child);
        }
    }

    private sealed record Stat(int Pid, int ParentPid, double Seconds);

    private static Dictionary<int, Stat> ReadAll()
    {
        var all = new Dictionary<int, Stat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && Read(pid) is { } stat) all[pid] = stat;
        }
        return all;
    }

    private static Stat? Read(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        var fields = Fields(text);
        return new Stat(pid, int.Parse(fields[1], CultureInfo.InvariantCulture), Ticks(text) / TicksPerSecond);
    }

    /// <summary>The fields after the command name: state, ppid, …</summary>
    private static string[] Fields(string stat) => stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

    /// <summary>utime, stime, cutime and cstime: fields 14-17 of stat, 11-14 after the command name (clock ticks).</summary>
    private static long Ticks(string stat)
    {
        var fields = Fields(stat);
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
               + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
    }
}
