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
    public static async Task<int> RunAsync(Arguments args)
    {
        var results = args.Required("results");
        var only = args.Required("only").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (only.Contains("report"))
        {
            var rows = ResultTable.Read(results);
            Console.WriteLine(ResultTable.Markdown(rows));
            return 0;
        }

        var gateway = new Uri(args.Required("gateway"));
        var prompt = new Uri(args.Required("prompt"));
        // The operator's calls go through the gateway, as an operator's would (prompt refuses unsigned calls).
        using var admin = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        admin.DefaultRequestHeaders.Authorization = new("Bearer", args.Required("admin"));
        var (tenantId, key) = await BenchTenant.CreateAsync(admin);
        using var api = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new("Bearer", key);
        var seconds = args.Number("seconds", 5);
        // The bus client, for the shot-level measures only (prompt's films need none).
        await using var shots = only.Any(m => m is "P2" or "P4" or "P5") ? await ShotBus.StartAsync(new Uri(args.Required("rabbitmq"))) : null;

        foreach (var measure in only)
        {
            Console.WriteLine($"== {measure}");
            IReadOnlyList<ResultRow> rows = measure switch
            {
                "P1" => await ProxyMeasures.GatewayOverheadAsync(gateway, new Uri(args.Required("bare")), prompt, key, seconds, (int)args.Number("rounds", 2), args.Optional("pids")),
                "P3" => await ProxyMeasures.FilmAcceptAsync(gateway, key, seconds, args.Optional("pids"), args.Optional("traces")),
                "P2" => await ShotMeasures.CacheHitVsMissAsync(shots!, tenantId, new Uri(args.Required("rabbitmq"))),
                "P4" => await ShotMeasures.DispatchRateAsync(shots!, tenantId, new Uri(args.Required("rabbitmq")), (int)args.Number("shots", 2000), args.Optional("pids")),
                "P5" => await ShotMeasures.BatchScalingAsync(shots!, tenantId, (int)args.Number("shots", 96), (int)args.Number("concurrency", 8), results + ".p5"),
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
    public static async Task<(Guid Id, string Key)> CreateAsync(HttpClient admin)
    {
        (await admin.PutAsJsonAsync("/admin/v1/plans/bench", new { rateLimitPerMinute = 10_000_000 })).EnsureSuccessStatusCode();
        var created = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = $"bench-{Guid.NewGuid():N}", plan = "bench" });
        created.EnsureSuccessStatusCode();
        var tenant = (await created.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
        var keyResponse = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenant}/keys", new { name = "bench", type = "test" });
        keyResponse.EnsureSuccessStatusCode();
        return (tenant, (await keyResponse.Content.ReadFromJsonAsync<JsonObject>())!["key"]!.GetValue<string>());
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

