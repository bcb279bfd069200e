using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Dispatch.Consumers;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>BYOK: a tenant's own vendor key pays for its shots, outside the platform budget, and is never swapped silently.</summary>
public sealed class TenantKeyRoutingTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-byok-tests").FullName);
    private readonly PromptSecrets _prompt = new();
    private readonly Guid _tenant = Guid.NewGuid();
    private NpgsqlDataSource _database = null!;

    public async ValueTask InitializeAsync() => _database = await LedgerDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private ShotJob Shot(string provider) => new(Guid.NewGuid(), 0, Requests.Unique(provider) with { DurationSeconds = 2 }, _tenant);

    private static async Task<(RoutedClip? Clip, ProviderException? Failure)> RouteAsync(ShotRouter router, ShotJob shot)
    {
        try
        {
            return (await router.GenerateAsync(shot, new Progress<ProviderProgress>(), Ct), null);
        }
        catch (ProviderException ex)
        {
            return (null, ex);
        }
    }

    private static ProviderException Refused() => new(ProviderErrors.Unauthorized, "401: API key revoked", retryable: false);

    [Fact]
    public async Task A_tenants_own_key_pays_outside_the_platform_budget_and_is_counted_in_usage()
    {
        var vendor = new RecordingProvider(_artifacts, "paid") { Latency = TimeSpan.Zero };
        var other = new RecordingProvider(_artifacts, "other") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("paid", 0.10m).Vendor("other", 0.10m).Build();
        var router = LedgerDatabase.Router(_database, settings, _prompt.Reader(), vendor, other);
        var ledger = new CostLedger(_database);
        // A budget of 0.10 USD: one 2 s shot at 0.10 USD/s (0.20 USD) on the platform's key does not fit.
        await ledger.SetPlanAsync(new TenantPlanChanged(_tenant, "tiny", 0.10m, []), Ct);
        _prompt.Stored[_tenant] = new() { ["paid"] = "sk-tenant-own" };

        var results = new List<(RoutedClip? Clip, ProviderException? Failure)>();
        for (var i = 0; i < 3; i++) results.Add(await RouteAsync(router, Shot("paid")));
        var platform = await RouteAsync(router, Shot("other"));

        Assert.All(results, r => Assert.Equal("paid", r.Clip?.Vendor));
        Assert.Equal(["sk-tenant-own", "sk-tenant-own", "sk-tenant-own"], vendor.KeysSeen);
        Assert.Equal(RoutingErrors.BudgetExceeded, platform.Failure?.Code);
        Assert.Equal(0, other.Calls);
        Assert.Equal(1, _prompt.Calls); // read once, then from memory
        var usage = Assert.Single(await ledger.UsageAsync(_tenant, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), UsageGrouping.Vendor, Ct));
        Assert.Equal(new UsageGroup("paid", 0m, 0m, 3, 0, 0.60m), usage);
        Assert.Equal(0m, (await ledger.BudgetAsync(_tenant, Ct)).SpentThisMonthUsd);
    }

    [Fact]
    public async Task A_refused_tenant_key_fails_the_shot_and_never_falls_back_to_the_platform_key_or_the_next_vendor()
    {
        var vendor = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero, Refuse = shot => shot.TenantSecret is null ? null : Refused() };
        var next = new RecordingProvider(_artifacts, "fallback") { Latency = TimeSpan.Zero };
        var settings = new DispatchSettings().Vendor("primary", 0.05m).Vendor("fallback", 0.05m).Chain("premium", "primary", "fallback").Build();
        var router = LedgerDatabase.Router(_database, settings, _prompt.Reader(), vendor, next);
        _prompt.Stored[_tenant] = new() { ["primary"] = "sk-revoked" };

        var (clip, failure) = await RouteAsync(router, Shot("premium"));

        Assert.Null(clip);
        Assert.Equal((RoutingErrors.ByokKeyRejected, false), (failure!.Code, failure.Retryable));
        Assert.Contains("primary", failure.Message);
        Assert.DoesNotContain("sk-revoked", failure.Message);
        Assert.Equal(["sk-revoked"], vendor.KeysSeen);
        Assert.Equal(0, next.Calls);
    }

    [Fact]
    public async Task A_plan_with_platform_key_fallback_makes_the_shot_with_the_platform_key_and_bills_it()
    {
        var vendor = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero, Refuse = shot => shot.TenantSecret is null ? null : Refused() };
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("primary", 0.05m).Build(), _prompt.Reader(), vendor);
        var ledger = new CostLedger(_database);
        await ledger.SetPlanAsync(new TenantPlanChanged(_tenant, "forgiving", null, [], PlatformKeyFallback: true), Ct);
        _prompt.Stored[_tenant] = new() { ["primary"] = "sk-revoked" };

        var (clip, _) = await RouteAsync(router, Shot("primary"));

        Assert.Equal("primary", clip?.Vendor);
        Assert.Equal(["sk-revoked", null], vendor.KeysSeen);
        var usage = Assert.Single(await ledger.UsageAsync(_tenant, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), UsageGrouping.Vendor, Ct));
        Assert.Equal(new UsageGroup("primary", 0m, 0.10m, 2, 0, 0m), usage);
    }

    [Fact]
    public async Task Without_prompt_a_shot_fails_retryably_instead_of_paying_with_the_platform_key()
    {
        var vendor = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero };
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("primary", 0.05m).Build(), _prompt.Reader(), vendor);
        _prompt.Down = true;

        var (_, failure) = await RouteAsync(router, Shot("primary"));

        Assert.Equal((TenantVendorSecrets.ErrorCode, true), (failure!.Code, failure.Retryable));
        Assert.Equal(0, vendor.Calls);
    }

    [Fact]
    public async Task A_changed_key_is_used_as_soon_as_prompt_announces_the_change()
    {
        var vendor = new RecordingProvider(_artifacts, "primary") { Latency = TimeSpan.Zero };
        var secrets = _prompt.Reader(cacheFor: TimeSpan.FromMinutes(10));
        var router = LedgerDatabase.Router(_database, new DispatchSettings().Vendor("primary", 0.05m).Build(), secrets, vendor);
        _prompt.Stored[_tenant] = new() { ["primary"] = "sk-old" };
        await RouteAsync(router, Shot("primary"));

        _prompt.Stored[_tenant] = new() { ["primary"] = "sk-new" };
        await RouteAsync(router, Shot("primary"));
        await using (var services = new ServiceCollection().AddSingleton(secrets)
                         .AddMassTransitTestHarness(bus => bus.AddConsumer<TenantProviderSecretChangedConsumer>()).BuildServiceProvider(true))
        {
            var harness = services.GetTestHarness();
            await harness.Start();
            await harness.Bus.Publish(new TenantProviderSecretChanged(_tenant, "primary"), Ct);
            Assert.True(await harness.Consumed.Any<TenantProviderSecretChanged>(Ct));
        }
        _prompt.Stored.TryRemove(_tenant, out _);
        await RouteAsync(router, Shot("primary"));

        Assert.Equal(["sk-old", "sk-old", null], vendor.KeysSeen);
    }
}
