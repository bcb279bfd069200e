using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;
using StackExchange.Redis;

namespace Ministudio.Dispatch.Tests;

/// <summary>dispatch's part of a tenant's export and erasure (GDPR): its ledger rows, plan copy and cached results.</summary>
public sealed class TenantErasureTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-erasure-tests").FullName);
    private readonly Guid _erased = Guid.NewGuid();
    private readonly Guid _kept = Guid.NewGuid();
    private NpgsqlDataSource _database = null!;
    private ConnectionMultiplexer _redis = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await LedgerDatabase.CreateAsync();
        _redis = await ConnectionMultiplexer.ConnectAsync(await TestInfrastructure.RedisAsync());
        _services = new ServiceCollection()
            .AddSingleton(new CostLedger(_database))
            .AddSingleton(new ResultCache(_redis, new RedisCircuit(Options.Create(new RedisCircuitOptions()), NullLogger<RedisCircuit>.Instance), _artifacts, Options.Create(new ShotLeaseOptions()), NullLogger<ResultCache>.Instance))
            .AddLogging()
            .AddMassTransitTestHarness(bus =>
            {
                // An erasure scans Redis and the ledger: on a loaded machine it outlasts the harness's 1.2 s default quiet time.
                bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(10));
                bus.AddConsumer<TenantErasedConsumer>();
                bus.AddConsumer<ExportTenantUsageConsumer>();
            })
            .BuildServiceProvider(true);
        await _services.GetTestHarness().Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _redis.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_ledger_is_exported_and_an_erasure_drops_only_that_tenants_rows_plan_and_cached_results()
    {
        var ledger = _services.GetRequiredService<CostLedger>();
        var cache = _services.GetRequiredService<ResultCache>();
        var provider = new RecordingProvider(_artifacts);
        foreach (var tenant in new[] { _erased, _kept })
        {
            await ledger.SetPlanAsync(new TenantPlanChanged(tenant, "pro", 10m, []), Ct);
            var shot = new ShotJob(Guid.NewGuid(), 0, Requests.Unique(), tenant);
            await ledger.CommitAsync(await ledger.ReserveAsync(shot, "mock", "mock-1", 0.25m, Ct), "mock-1", 0.25m);
            for (var i = 0; i < 3; i++)
            {
                var request = Requests.Unique();
                await cache.GetOrGenerateAsync(tenant, request, async ct => new RoutedClip(
                    await provider.GenerateAsync(new ShotJob(Guid.NewGuid(), 0, request), new Progress<ProviderProgress>(), ct), provider.Name, "m"), Ct);
            }
        }

        var harness = _services.GetTestHarness();
        var exported = await harness.Bus.CreateRequestClient<ExportTenantUsage>().GetResponse<TenantUsageExported>(new ExportTenantUsage(_erased), Ct);
        Assert.Contains("\"model\": \"mock-1\"", exported.Message.LedgerJson);
        Assert.DoesNotContain(_kept.ToString(), exported.Message.LedgerJson);

        await harness.Bus.Publish(new TenantErased(_erased), Ct);
        Assert.True(await harness.Consumed.Any<TenantErased>(Ct));
        var consumed = harness.Consumed.Select<TenantErased>(Ct).Single();
        Assert.Null(consumed.Exception);

        Assert.Equal("[]", await ledger.ExportTenantAsync(_erased, Ct));
        Assert.Null(await ledger.PlanOfAsync(_erased, Ct));
        Assert.Equal(0, await CachedAsync(_erased));
        Assert.NotEqual("[]", await ledger.ExportTenantAsync(_kept, Ct));
        Assert.NotNull(await ledger.PlanOfAsync(_kept, Ct));
        Assert.Equal(3, await CachedAsync(_kept));
    }

    private async Task<int> CachedAsync(Guid tenant)
    {
        var server = _redis.GetServers().Single();
        var count = 0;
        await foreach (var _ in server.KeysAsync(pattern: $"ministudio:result:*{tenant:N}:*")) count++;
        return count;
    }
}
