using Ministudio.Contracts;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>Routing over scripted vendors with the real cost ledger: fallback, circuit, kill switch, capabilities, money.</summary>
public sealed class RoutingTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-dispatch-tests").FullName);
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await LedgerDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private static ShotJob Shot(string provider, Guid tenant, double seconds = 2) =>
        new(Guid.NewGuid(), 0, Requests.Unique(provider) with { DurationSeconds = seconds }, tenant);

    private static ProviderException RateLimited() => new(ProviderErrors.RateLimited, "slow down", retryable: true) { RetryAfter = TimeSpan.FromMilliseconds(5) };

    private static ProviderException Unavailable() => new(ProviderErrors.Unavailable, "503", retryable: true);

    private async Task<(RoutedClip? Clip, ProviderException? Failure)> RouteAsync(ShotRouter router, ShotJob shot)
    {
        try
        {
            return (await router.GenerateAsync(shot, new Progress<ProviderProgress>(), TestContext.Current.CancellationToken), null);
        }
        catch (ProviderException ex)
        {
            return (null, ex);
        }
    }

    [Fact]
    public async Task Thirty_percent_injected_failures_on_both_vendors_still_render_almost_every_shot_with_few_calls()
    {
        // Calls 3, 6 and 9 of every ten fail (30 %), alternating 429 with Retry-After and 503.
        static ProviderException? Flaky(int call) => (call % 10) switch { 3 or 9 => RateLimited(), 6 => Unavailable(), _ => null };
        var primary = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.FromMilliseconds(2), FailOnCall = Flaky };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.FromMilliseconds(2), FailOnCall = Flaky };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.04m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, primary, fallback);
        var tenant = Guid.NewGuid();
        const int Shots = 240;

        var gate = new SemaphoreSlim(16);
        var results = await Task.WhenAll(Enumerable.Range(0, Shots).Select(async _ =>
        {
            await gate.WaitAsync(TestContext.Current.CancellationToken);
            try
            {
                return await RouteAsync(router, Shot("premium", tenant));
            }
            finally
            {
                gate.Release();
            }
        }));

        var succeeded = results.Count(r => r.Clip is not null);
        var callsPerShot = (primary.Calls + fallback.Calls) / (double)Shots;
        TestContext.Current.TestOutputHelper?.WriteLine($"{succeeded}/{Shots} rendered, {callsPerShot:0.###} vendor calls per shot ({primary.Calls} primary, {fallback.Calls} fallback)");
        Assert.True(succeeded >= Shots * 0.99, $"{succeeded} of {Shots} shots rendered");
        Assert.True(callsPerShot <= 1.5, $"{callsPerShot:0.###} vendor calls per shot ({primary.Calls} primary, {fallback.Calls} fallback)");
        var usage = await new CostLedger(_database).UsageAsync(tenant, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), UsageGrouping.Vendor, TestContext.Current.CancellationToken);
        Assert.Equal(succeeded, usage.Sum(g => g.CommittedUsd > 0 ? g.CommittedUsd / (g.Key == "primary" ? 0.10m : 0.08m) : 0));
        Assert.All(usage, g => Assert.Equal(0m, g.ReservedUsd));
    }

    [Fact]
    public async Task An_open_circuit_sends_shots_to_the_fallback_without_calling_the_broken_vendor()
    {
        var broken = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero, FailOnCall = _ => Unavailable() };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback")
            .Set("Dispatch:Vendors:primary:Resilience:MinimumThroughput", "3")
            .Set("Dispatch:Vendors:primary:Resilience:Cooldown", "00:05:00")
            .Build();
        var router = LedgerDatabase.Router(_database, settings, broken, fallback);
        var tenant = Guid.NewGuid();

        for (var i = 0; i < 3; i++) Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", tenant))).Clip?.Vendor);
        var callsWhenOpen = broken.Calls;
        for (var i = 0; i < 10; i++) Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", tenant))).Clip?.Vendor);

        Assert.Equal(callsWhenOpen, broken.Calls);
        Assert.Equal(13, fallback.Calls);
        Assert.Equal(RoutingErrors.CircuitOpen, (await RouteAsync(router, Shot("primary", tenant))).Failure?.Code);
    }

    [Fact]
    public async Task Clips_the_artifact_store_could_not_take_do_not_cool_the_vendor_down()
    {
        // R5: the store is down, so every clip the vendor makes fails to be stored; the vendor itself is fine.
        var storeDown = true;
        var vendor = new RecordingProvider(_artifacts, "primary")
        {
            Latency = TimeSpan.Zero,
            FailOnCall = _ => storeDown ? new ProviderException(ArtifactStoreUnavailableException.Code, "S3 down", retryable: true) : null,
        };
        var settings = new DispatchSettings().Vendor("primary", 0.05m)
            .Set("Dispatch:Vendors:primary:Resilience:MinimumThroughput", "3")
            .Set("Dispatch:Vendors:primary:Resilience:RetryDelay", "00:00:00.001")
            .Set("Dispatch:Vendors:primary:Resilience:Cooldown", "00:05:00")
            .Build();
        var router = LedgerDatabase.Router(_database, settings, vendor);
        var tenant = Guid.NewGuid();

        for (var i = 0; i < 3; i++) Assert.Equal(ArtifactStoreUnavailableException.Code, (await RouteAsync(router, Shot("primary", tenant))).Failure?.Code);
        storeDown = false;

        // The store is back: the next shot is made at once, not refused as provider.circuit_open for the cool-down.
        var after = await RouteAsync(router, Shot("primary", tenant));
        Assert.Equal("primary", after.Clip?.Vendor);
    }

    [Fact]
    public async Task A_switched_off_vendor_is_never_called()
    {
        var primary = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback")
            .Set("Dispatch:Vendors:primary:Enabled", "false").Build();
        var router = LedgerDatabase.Router(_database, settings, primary, fallback);

        Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", Guid.NewGuid()))).Clip?.Vendor);
        Assert.Equal(RoutingErrors.Disabled, (await RouteAsync(router, Shot("primary", Guid.NewGuid()))).Failure?.Code);
        Assert.Equal(0, primary.Calls);
    }

    [Fact]
    public async Task An_unpriced_vendor_fails_closed_without_a_call()
    {
        var unpriced = new RecordingProvider(_artifacts, "unpriced") { Latency = TimeSpan.Zero };
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("unpriced", pricePerSecond: null).Build(), unpriced);

        var failure = (await RouteAsync(router, Shot("unpriced", Guid.NewGuid()))).Failure;
        Assert.Equal((RoutingErrors.PricingUnknown, false), (failure?.Code, failure?.Retryable));
        Assert.Equal(0, unpriced.Calls);
    }

    [Fact]
    public async Task A_request_the_model_cannot_make_goes_to_the_next_capable_vendor_or_fails_as_unsupported()
    {
        var shortClips = new RecordingProvider(_artifacts, "short") { Latency = TimeSpan.Zero };
        var longClips = new RecordingProvider(_artifacts, "long") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("short", 0.05m, maxSeconds: 5).Vendor("long", 0.05m, maxSeconds: 20).Chain("premium", "short", "long").Build();
        var router = LedgerDatabase.Router(_database, settings, shortClips, longClips);

        Assert.Equal("long", (await RouteAsync(router, Shot("premium", Guid.NewGuid(), seconds: 12))).Clip?.Vendor);
        var failure = (await RouteAsync(router, Shot("short", Guid.NewGuid(), seconds: 12))).Failure;
        Assert.Equal((RoutingErrors.Unsupported, false), (failure?.Code, failure?.Retryable));
        Assert.Equal(0, shortClips.Calls);
    }

    [Fact]
    public async Task A_content_rejection_never_falls_back()
    {
        var refusing = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero, FailOnCall = _ => new ProviderException(ProviderErrors.ContentRejected, "safety", retryable: false) };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, refusing, fallback);

        Assert.Equal(ProviderErrors.ContentRejected, (await RouteAsync(router, Shot("premium", Guid.NewGuid()))).Failure?.Code);
        Assert.Equal((1, 0), (refusing.Calls, fallback.Calls));
    }

    [Fact]
    public async Task A_vendor_the_plan_does_not_include_is_passed_over()
    {
        var primary = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, primary, fallback);
        var tenant = Guid.NewGuid();
        await new CostLedger(_database).SetPlanAsync(new TenantPlanChanged(tenant, "starter", null, ["fallback"]), TestContext.Current.CancellationToken);

        Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", tenant))).Clip?.Vendor);
        Assert.Equal(RoutingErrors.NotAllowed, (await RouteAsync(router, Shot("primary", tenant))).Failure?.Code);
        Assert.Equal(0, primary.Calls);
    }

    [Fact]
    public async Task Concurrent_jobs_cannot_spend_past_the_budget_by_more_than_one_shot()
    {
        // 0.10 USD/s × 2 s = 0.20 USD a shot; 1.00 USD buys five of the forty shots eight jobs ask for at once.
        var vendor = new RecordingProvider(_artifacts, "paid") { Latency = TimeSpan.FromMilliseconds(20) };
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("paid", 0.10m).Set("Dispatch:Vendors:paid:Resilience:MaxConcurrency", "64").Build(), vendor);
        var tenant = Guid.NewGuid();
        var ledger = new CostLedger(_database);
        await ledger.SetPlanAsync(new TenantPlanChanged(tenant, "capped", 1.00m, []), TestContext.Current.CancellationToken);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).SelectMany(_ =>
        {
            var job = Guid.NewGuid();
            return Enumerable.Range(0, 5).Select(index => Task.Run(() => RouteAsync(router, new ShotJob(job, index, Requests.Unique("paid") with { DurationSeconds = 2 }, tenant))));
        }));

        var budget = await ledger.BudgetAsync(tenant, TestContext.Current.CancellationToken);
        Assert.InRange(budget.SpentThisMonthUsd, 0.80m, 1.00m + 0.20m);
        Assert.Equal(5, results.Count(r => r.Clip is not null));
        Assert.All(results.Where(r => r.Clip is null), r => Assert.Equal((RoutingErrors.BudgetExceeded, false), (r.Failure!.Code, r.Failure.Retryable)));
        Assert.Equal(5, vendor.Calls);
    }

    [Fact]
    public async Task A_failed_attempt_releases_its_reservation_and_a_success_commits_its_cost()
    {
        var flaky = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero, FailOnCall = _ => new ProviderException(ProviderErrors.QuotaExceeded, "402", retryable: false) };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.50m).Vendor("fallback", 0.25m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, flaky, fallback);
        var tenant = Guid.NewGuid();

        Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", tenant, seconds: 4))).Clip?.Vendor);

        var usage = await new CostLedger(_database).UsageAsync(tenant, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), UsageGrouping.Vendor, TestContext.Current.CancellationToken);
        Assert.Equal(
            [new UsageGroup("fallback", 0m, 1.00m, 1, 0, 0m), new UsageGroup("primary", 0m, 0m, 1, 0, 0m)],
            usage);
    }

    [Fact]
    public async Task A_retry_after_too_long_to_wait_for_moves_on_to_the_next_vendor_at_once()
    {
        var limited = new RecordingProvider(_artifacts, "primary")
        {
            Latency = TimeSpan.Zero,
            FailOnCall = _ => new ProviderException(ProviderErrors.RateLimited, "come back in an hour", retryable: true) { RetryAfter = TimeSpan.FromHours(1) },
        };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, limited, fallback);

        Assert.Equal("fallback", (await RouteAsync(router, Shot("premium", Guid.NewGuid()))).Clip?.Vendor);
        Assert.Equal((1, 1), (limited.Calls, fallback.Calls));
    }

    [Fact]
    public async Task An_attempt_that_runs_out_of_time_is_canceled_and_neither_retried_nor_sent_elsewhere()
    {
        var slow = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.FromMinutes(5) };
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback")
            .Set("Dispatch:Vendors:primary:Resilience:AttemptTimeout", "00:00:00.200").Build();
        var router = LedgerDatabase.Router(_database, settings, slow, fallback);

        var failure = (await RouteAsync(router, Shot("premium", Guid.NewGuid()))).Failure;
        Assert.Equal((ProviderErrors.Timeout, false), (failure?.Code, failure?.Retryable));
        Assert.Equal((1, 1, 0), (slow.Calls, slow.Canceled, fallback.Calls));
    }

    [Fact]
    public async Task A_vendor_never_has_more_shots_at_once_than_its_concurrency_limit()
    {
        var vendor = new RecordingProvider(_artifacts, "paid") { Latency = TimeSpan.FromMilliseconds(50) };
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("paid", 0.01m).Set("Dispatch:Vendors:paid:Resilience:MaxConcurrency", "3").Build(), vendor);
        var tenant = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(() => RouteAsync(router, Shot("paid", tenant)))));

        Assert.All(results, r => Assert.NotNull(r.Clip));
        Assert.InRange(vendor.MaxInFlight, 2, 3);
    }

    [Fact]
    public async Task A_chain_passes_the_shot_on_when_its_first_vendor_lacks_credentials_or_is_retired()
    {
        // Real adapters: veo without a service-account key, and gemini configured for a Veo preview Google retired.
        await using var vendors = Vendors.VendorHarness.Create(new Dictionary<string, string?>());
        var veo = vendors.Provider("veo");
        var gemini = vendors.Provider("gemini");
        var fallback = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("fallback", 0.04m).Chain("premium", "veo", "fallback").Chain("legacy", "gemini", "fallback")
            .Set("Dispatch:Vendors:gemini:Model", "veo-3.1-generate-preview").Build();
        var router = LedgerDatabase.Router(_database, settings, veo, gemini, fallback);
        var routedAround = new List<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ministudio.routing.retired_skips") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "vendor") lock (routedAround) routedAround.Add((string)tag.Value!);
        });
        listener.Start();

        var unconfigured = await RouteAsync(router, Shot("premium", Guid.NewGuid()));
        var retired = await RouteAsync(router, Shot("legacy", Guid.NewGuid()));

        Assert.Equal("fallback", unconfigured.Clip?.Vendor);
        Assert.Equal("fallback", retired.Clip?.Vendor);
        Assert.Equal(2, fallback.Calls);
        lock (routedAround) Assert.Contains("gemini", routedAround);
    }

    [Fact]
    public async Task A_film_asking_for_a_retired_vendor_is_refused_with_its_date_and_replacement()
    {
        var settings = new DispatchSettings().Build();
        var router = LedgerDatabase.Router(_database, settings, new RecordingProvider(_artifacts, "sora"));

        var (clip, failure) = await RouteAsync(router, Shot("sora", Guid.NewGuid()));

        Assert.Null(clip);
        Assert.Equal(ProviderErrors.Retired, failure!.Code);
        Assert.Contains("2026-09-24", failure.Message);
        Assert.Contains("'standard'", failure.Message);
    }
}
