using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ministudio.Bench;

/// <summary>
/// The side-by-side measures of the performance issue, against a running platform (bench/run.sh starts it). Each call
/// runs the measures named in <c>only=</c> and appends its rows to <c>results=</c>; <c>report</c> prints the table.
/// </summary>
public static class PlatformMeasures
{
    /// <summary>Measures of the issue the suite does not run yet; shown, not hidden (docs/benchmarks.md says why).</summary>
    private static readonly ResultRow[] NotYetMeasured =
    [
        new("P4 bus: shots dispatched/s with publisher confirms", "–", "–", "–", "≥ 2,000/s", "not run", "needs bus-level timing of RenderShot → ShotRendered"),
        new("P5 batch scaling, concurrency 8 → 32", "–", "–", "–", "≥ 3.5×", "not run", "1,000 × 2 s shots do not fit a bounded run here"),
    ];

    public static async Task<int> RunAsync(Arguments args)
    {
        var results = args.Required("results");
        var only = args.Required("only").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (only.Contains("report"))
        {
            var rows = ResultTable.Read(results).Concat(NotYetMeasured).ToList();
            Console.WriteLine(ResultTable.Markdown(rows));
            return 0;
        }

        var gateway = new Uri(args.Required("gateway"));
        var prompt = new Uri(args.Required("prompt"));
        using var admin = new HttpClient { BaseAddress = prompt, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", args.Required("admin"));
        var key = await BenchTenant.CreateAsync(admin);
        using var api = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var seconds = args.Number("seconds", 5);

        foreach (var measure in only)
        {
            Console.WriteLine($"== {measure}");
            IReadOnlyList<ResultRow> rows = measure switch
            {
                "P1" => await ProxyMeasures.GatewayOverheadAsync(gateway, new Uri(args.Required("bare")), prompt, key, seconds, (int)args.Number("rounds", 2)),
                "P3" => await ProxyMeasures.FilmAcceptAsync(gateway, key, seconds),
                "P2" => await JobMeasures.CacheHitVsMissAsync(api),
                "P7" => await JobMeasures.LocalRenderAsync(new Uri(args.Required("render")), args.Optional("renderPid") is { } pid ? int.Parse(pid) : null),
                "P9" => await JobMeasures.PlatformOverheadAsync(api, new Uri(args.Required("render")), TimeSpan.FromSeconds(args.Number("vendorLatency", 10))),
                _ => throw new ArgumentException($"unknown measure {measure}"),
            };
            foreach (var row in rows) Console.WriteLine(row);
            ResultTable.Append(results, rows);
        }
        return 0;
    }
}

/// <summary>A tenant whose plan allows 10 million requests a minute, so P1 and P3 measure the limiter, not refusals.</summary>
public static class BenchTenant
{
    public static async Task<string> CreateAsync(HttpClient admin)
    {
        (await admin.PutAsJsonAsync("/admin/v1/plans/bench", new { rateLimitPerMinute = 10_000_000 })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = $"bench-{Guid.NewGuid():N}", plan = "bench" });
        created.EnsureSuccessStatusCode();
        var tenant = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var keyResponse = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenant}/keys", new { name = "bench", type = "test" });
        keyResponse.EnsureSuccessStatusCode();
        return (await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>();
    }
}

/// <summary>One line of the table: a measure, our value and the peer's from the same run, their ratio and the target.</summary>
public sealed record ResultRow(string Measure, string Ours, string Peer, string Ratio, string Target, string Verdict, string Note = "")
{
    public override string ToString() => $"{Measure} | ours {Ours} | peer {Peer} | ratio {Ratio} | target {Target} | {Verdict} {Note}";

    public static string Pass(bool ok) => ok ? "pass" : "FAIL";

    public static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + " ms";

    public static string X(double value) => value.ToString("F2", CultureInfo.InvariantCulture) + "×";
}

public static class ResultTable
{
    public static void Append(string path, IEnumerable<ResultRow> rows) =>
        File.AppendAllLines(path, rows.Select(row => JsonSerializer.Serialize(row)));

    public static IReadOnlyList<ResultRow> Read(string path) =>
        File.Exists(path) ? File.ReadAllLines(path).Select(line => JsonSerializer.Deserialize<ResultRow>(line)!).ToList() : [];

    public static string Markdown(IEnumerable<ResultRow> rows) =>
        "| measure | ours | peer | ratio | target | result | note |\n|---|---:|---:|---:|---|---|---|\n" +
        string.Join("\n", rows.Select(r => $"| {r.Measure} | {r.Ours} | {r.Peer} | {r.Ratio} | {r.Target} | {r.Verdict} | {r.Note} |"));
}

