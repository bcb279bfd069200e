using BenchmarkDotNet.Running;
using Ministudio.Bench.Micro;

namespace Ministudio.Bench;

/// <summary>
/// <c>proxy --port P --to URL</c>: the bare YARP peer. <c>measure key=value…</c>: every side-by-side measure, one
/// table. <c>micro</c>: BenchmarkDotNet hot paths. bench/run.sh starts the platform and calls these.
/// </summary>
public static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "proxy":
                await BareProxy.RunAsync(Arguments.Parse(args[1..]));
                return 0;
            case "measure":
                return await PlatformMeasures.RunAsync(Arguments.Parse(args[1..]));
            case "micro":
                BenchmarkSwitcher.FromTypes(HotPaths.All).Run(args[1..], HotPaths.Config());
                return 0;
            default:
                Console.Error.WriteLine("usage: Ministudio.Bench proxy port=P to=URL | measure key=value... | micro [BenchmarkDotNet args]");
                return 2;
        }
    }
}

/// <summary>key=value arguments; a missing required one stops the run with its name.</summary>
public sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(IEnumerable<string> args) =>
        new(args.Select(a => a.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase));

    public string Required(string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new ArgumentException($"missing argument {name}=…");

    public string? Optional(string name) => values.GetValueOrDefault(name) is { Length: > 0 } value ? value : null;

    public double Number(string name, double fallback) => values.TryGetValue(name, out var value) ? double.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
