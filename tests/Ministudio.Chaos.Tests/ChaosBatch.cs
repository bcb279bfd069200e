using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Npgsql;

namespace Ministudio.Chaos.Tests;

/// <summary>
/// A batch of short films on the mock vendor, submitted through the gateway by a tenant of its own, and what became of
/// it, read from what the platform recorded: the batch's counts (prompt), the cost ledger's rows per shot and the shot
/// leases' take-overs (dispatch).
/// </summary>
public sealed class ChaosBatch
{
    /// <summary>Films per batch: small enough for CI (a few minutes for the whole suite); MINISTUDIO_CHAOS_FILMS=50 is the issue's size.</summary>
    public static int Films { get; } = int.TryParse(Environment.GetEnvironmentVariable("MINISTUDIO_CHAOS_FILMS"), out var films) && films > 0 ? films : 6;

    public const int ShotsPerFilm = 2;

    /// <summary>Generous: a batch waits out the faults; the scenarios never gate on how long it took.</summary>
    private static readonly TimeSpan FinishTimeout = TimeSpan.FromMinutes(4);

    private readonly ChaosPlatform _platform;
    private readonly HttpClient _client;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>The batch's NDJSON lines, first line 1 (as the results number them): what a resubmission sends again.</summary>
    private readonly IReadOnlyList<string> _lines;

    private ChaosBatch(ChaosPlatform platform, HttpClient client, Guid id, IReadOnlyList<string> lines)
    {
        (_platform, _client, Id, _lines, FilmCount) = (platform, client, id, lines, lines.Count);
    }

    public Guid Id { get; }

    public int FilmCount { get; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Submits <paramref name="films"/> films of <see cref="ShotsPerFilm"/> one-second shots each, every shot a
    /// request of its own (no result-cache hits); <paramref name="seedOf"/> may give a shot a seed the mock treats specially.
    /// </summary>
    internal static async Task<ChaosBatch> SubmitAsync(ChaosPlatform platform, string scenario, CancellationToken ct, int? films = null, Func<int, int, long?>? seedOf = null)
    {
        var count = films ?? Films;
        var client = platform.GatewayClient(await platform.NewTenantKeyAsync(ct));
        var run = Guid.NewGuid().ToString("N")[..8];
        var baseSeed = Random.Shared.NextInt64(1_000_000, 1_000_000_000);
        var lines = Enumerable.Range(0, count).Select(film => JsonSerializer.Serialize(new
        {
            title = $"{scenario} film {film + 1} {run}",
            aspectRatio = "16:9",
            provider = MockProvider.ProviderName,
            seed = baseSeed + film * 100,
            characters = new[] { new { name = "Ada", identity = new { hair = "red braid" } } },
            shots = Enumerable.Range(0, ShotsPerFilm).Select(shot => new
            {
                action = $"Ada crosses the harbour, part {shot + 1} of take {film + 1} ({run})",
                durationSeconds = 1,
                seed = seedOf?.Invoke(film, shot),
            }),
        })).ToList();
        return await PostAsync(platform, client, lines, ct);
    }

    /// <summary>
    /// Submits the films on <paramref name="lines"/> (numbered from 1, as in the results) again, as the same tenant:
    /// what a client does with the retryable lines of a finished batch.
    /// </summary>
    internal Task<ChaosBatch> ResubmitAsync(IEnumerable<int> lines, CancellationToken ct) =>
        PostAsync(_platform, _client, lines.Select(line => _lines[line - 1]).ToList(), ct);

    private static async Task<ChaosBatch> PostAsync(ChaosPlatform platform, HttpClient client, IReadOnlyList<string> lines, CancellationToken ct)
    {
        var body = new StringContent(string.Join("\n", lines) + "\n", Encoding.UTF8, "application/x-ndjson");
        using var accepted = await client.PostAsync("/v1/batches", body, ct);
        Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync(ct));
        var id = (await accepted.Content.ReadFromJsonAsync<JsonObject>(ct))!["batch"]!["id"]!.GetValue<Guid>();
        return new ChaosBatch(platform, client, id, lines);
    }

    /// <summary>Waits until the batch is under way: at least <paramref name="shots"/> shots paid for and films still unfinished.</summary>
    public async Task WaitUntilUnderWayAsync(int shots, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (await CommittedShotsAsync(ct) < shots)
        {
            Assert.True(deadline.Elapsed < FinishTimeout, $"batch {Id}: fewer than {shots} shots made within {FinishTimeout}");
            await Task.Delay(250, ct);
        }
    }

    /// <summary>The batch's current view, or null while the gateway or prompt cannot answer (a fault in progress).</summary>
    public async Task<JsonObject?> TryViewAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _client.GetAsync($"/v1/batches/{Id}", ct);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonObject>(ct) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Films not finished yet (from the batch's counts); null while the batch cannot be read.</summary>
    public async Task<int?> UnfinishedAsync(CancellationToken ct) =>
        await TryViewAsync(ct) is { } view ? view["counts"]!["total"]!.GetValue<int>() - view["counts"]!["succeeded"]!.GetValue<int>() - view["counts"]!["failed"]!.GetValue<int>() : null;

    /// <summary>Waits until the batch is no longer running and returns its view.</summary>
    public async Task<JsonObject> WaitUntilFinishedAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        JsonObject? last = null;
        while (true)
        {
            if (await TryViewAsync(ct) is { } view)
            {
                last = view;
                if (view["status"]!.GetValue<string>() != "running") return view;
            }
            Assert.True(deadline.Elapsed < FinishTimeout, $"batch {Id} did not finish within {FinishTimeout}: {last?.ToJsonString() ?? "unreadable"}");
            await Task.Delay(500, ct);
        }
    }

    /// <summary>Each film's outcome line (job, status, error code), from the batch's results.</summary>
    public async Task<IReadOnlyList<JsonObject>> ResultsAsync(CancellationToken ct)
    {
        var text = await _client.GetStringAsync($"/v1/batches/{Id}/results", ct);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    /// <summary>
    /// Downloads every file each of the batch's jobs lists (its film, compose's files, every shot clip recorded as made;
    /// a failed job lists its made shots' clips) through the gateway, which streams it from the artifact store, and
    /// compares its SHA-256 with the hash the job API gives. Returns the files checked and each that was missing,
    /// unreadable or different: an artifact recorded as done that the store does not hold whole.
    /// </summary>
    public async Task<(int Checked, IReadOnlyList<string> Bad)> VerifyDeliverablesAsync(CancellationToken ct)
    {
        var (checkedFiles, bad) = (0, new List<string>());
        foreach (var job in (await ResultsAsync(ct)).Select(line => line["jobId"]?.GetValue<Guid>()).OfType<Guid>())
        {
            var view = (await _client.GetFromJsonAsync<JsonObject>($"/v1/jobs/{job}", ct))!;
            foreach (var file in view["deliverables"]?.AsArray().Select(node => node!.AsObject()) ?? [])
            {
                checkedFiles++;
                var (name, url, expected) = (file["name"]!.GetValue<string>(), file["url"]!.GetValue<string>(), file["sha256"]!.GetValue<string>());
                using var response = await _client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    bad.Add($"job {job} {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
                    continue;
                }
                await using var body = await response.Content.ReadAsStreamAsync(ct);
                var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(body, ct));
                if (actual != expected) bad.Add($"job {job} {name}: recorded {expected}, served {actual}");
            }
        }
        return (checkedFiles, bad);
    }

    /// <summary>
    /// The figures of the finished batch. Vendor calls per shot are the cost ledger's attempt rows (one per call the
    /// router made; cache hits excluded) plus the lease take-overs (a take-over resumes the dead owner's attempt on
    /// its ledger row, and the mock, which has no vendor task to poll, makes the clip again): an upper bound.
    /// Duplicated: a shot paid for more than once (more than one committed attempt).
    /// </summary>
    public async Task<ChaosFigures> FiguresAsync(string scenario, string recovery, CancellationToken ct)
    {
        var view = await WaitUntilFinishedAsync(ct);
        var counts = view["counts"]!;
        await using var database = await _platform.DatabaseAsync();
        await using var perShot = database.CreateCommand(
            """
            SELECT count(*) FILTER (WHERE NOT l.cache_hit), count(*) FILTER (WHERE NOT l.cache_hit AND l.state = 'committed')
            FROM dispatch.cost_ledger l JOIN jobs j ON j.id = l.job_id WHERE j.batch_id = $1 GROUP BY l.job_id, l.shot_index
            """);
        perShot.Parameters.AddWithValue(Id);
        int shots = 0, attempts = 0, duplicated = 0;
        await using (var reader = await perShot.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                shots++;
                attempts += (int)reader.GetInt64(0);
                if (reader.GetInt64(1) > 1) duplicated++;
            }
        }
        await using var takeovers = database.CreateCommand(
            "SELECT coalesce(sum(s.takeovers), 0) FROM dispatch.shot_leases s JOIN jobs j ON j.id = s.job_id WHERE j.batch_id = $1");
        takeovers.Parameters.AddWithValue(Id);
        var takenOver = Convert.ToInt32(await takeovers.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        return new ChaosFigures(scenario, counts["total"]!.GetValue<int>(), counts["succeeded"]!.GetValue<int>(), counts["failed"]!.GetValue<int>(),
            shots, attempts + takenOver, takenOver, duplicated, recovery, Elapsed);
    }

    /// <summary>The batch's films that have not succeeded (yet), with their status, stage and error code.</summary>
    public async Task<IReadOnlyList<(Guid Job, string State)>> NotSucceededAsync(CancellationToken ct)
    {
        await using var database = await _platform.DatabaseAsync();
        await using var command = database.CreateCommand(
            "SELECT id, status || ' at ' || stage || coalesce(' ' || error_code, '') FROM jobs WHERE batch_id = $1 AND status <> 'succeeded' ORDER BY id");
        command.Parameters.AddWithValue(Id);
        var jobs = new List<(Guid, string)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) jobs.Add((reader.GetGuid(0), reader.GetString(1)));
        return jobs;
    }

    private async Task<long> CommittedShotsAsync(CancellationToken ct)
    {
        await using var database = await _platform.DatabaseAsync();
        await using var command = database.CreateCommand(
            "SELECT count(*) FROM dispatch.cost_ledger l JOIN jobs j ON j.id = l.job_id WHERE j.batch_id = $1 AND l.state = 'committed'");
        command.Parameters.AddWithValue(Id);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>One scenario's figures, the row docs/reliability.md shows.</summary>
public sealed record ChaosFigures(
    string Scenario, int Films, int Succeeded, int Failed, int ShotsMade, int VendorCalls, int Takeovers, int Duplicated, string Recovery, TimeSpan Batch)
{
    public int Lost => Films - Succeeded;

    public int ExtraVendorCalls => VendorCalls - ShotsMade;

    public override string ToString() =>
        $"{Scenario}: films {Films}, lost {Lost} ({Failed} failed), duplicated {Duplicated}, shots {ShotsMade}, vendor calls {VendorCalls} " +
        $"(extra {ExtraVendorCalls}, take-overs {Takeovers}); {Recovery}; batch {Batch.TotalSeconds:F1} s";

    /// <summary>Prints the figures into the test's output (the .trx) and to the console, where CI's log keeps them.</summary>
    public ChaosFigures Print()
    {
        TestContext.Current.TestOutputHelper?.WriteLine(ToString());
        Console.WriteLine($"CHAOS {this}");
        return this;
    }
}
