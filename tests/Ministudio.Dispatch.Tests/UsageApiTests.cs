using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Dispatch.Apis;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>GET /v1/usage on a real ledger, as the gateway forwards it (X-Tenant-Id set).</summary>
public sealed class UsageApiTests : IAsyncLifetime
{
    private NpgsqlDataSource _database = null!;
    private DispatchApiHost _api = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await LedgerDatabase.CreateAsync();
        _api = await DispatchApiHost.StartAsync(services => services.AddSingleton(new CostLedger(_database)).AddSingleton(TimeProvider.System), app => app.MapUsageApi());
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    private Task<HttpResponseMessage> GetAsync(string query, Guid? tenant)
    {
        return _api.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/usage" + query), tenant);
    }

    [Fact]
    public async Task Usage_sums_committed_and_reserved_costs_per_job_and_shows_the_budget_left()
    {
        var ledger = new CostLedger(_database);
        var tenant = Guid.NewGuid();
        var ct = TestContext.Current.CancellationToken;
        await ledger.SetPlanAsync(new TenantPlanChanged(tenant, "pro", 10m, []), ct);
        var job = new ShotJob(Guid.NewGuid(), 0, Requests.Unique(), tenant);
        await ledger.CommitAsync(await ledger.ReserveAsync(job, "veo", "veo-3", 3.2m, ct), "veo-3", 3.2m);
        await ledger.ReserveAsync(job with { ShotIndex = 1 }, "veo", "veo-3", 1.5m, ct);
        await ledger.RecordCacheHitAsync(job with { ShotIndex = 2 }, "veo", "veo-3", ct);
        await ledger.ReleaseAsync(await ledger.ReserveAsync(job with { ShotIndex = 3 }, "sora", "sora-2", 0.8m, ct));
        await ledger.ReserveAsync(new ShotJob(Guid.NewGuid(), 0, Requests.Unique(), Guid.NewGuid()), "veo", "veo-3", 5m, ct);

        var response = await GetAsync("?groupBy=job", tenant);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var root = report.RootElement;
        var group = Assert.Single(root.GetProperty("groups").EnumerateArray());
        Assert.Equal(job.JobId.ToString(), group.GetProperty("key").GetString());
        Assert.Equal((3.2m, 1.5m, 3, 1), (group.GetProperty("committedUsd").GetDecimal(), group.GetProperty("reservedUsd").GetDecimal(),
            group.GetProperty("attempts").GetInt32(), group.GetProperty("cacheHits").GetInt32()));
        Assert.Equal(4.7m, root.GetProperty("budget").GetProperty("spentThisMonthUsd").GetDecimal());
        Assert.Equal(5.3m, root.GetProperty("budget").GetProperty("remainingUsd").GetDecimal());

        var byVendor = await (await GetAsync("?groupBy=vendor", tenant)).Content.ReadFromJsonAsync<JsonElement>(ct);
        Assert.Equal(["sora", "veo"], byVendor.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("key").GetString()));
    }

    [Fact]
    public async Task Bad_queries_and_missing_tenants_get_coded_problems()
    {
        Assert.Equal("auth.tenant_missing", await Problems.CodeOf(await GetAsync("", tenant: null)));
        Assert.Equal("usage.group_by_invalid", await Problems.CodeOf(await GetAsync("?groupBy=planet", Guid.NewGuid())));
        Assert.Equal("usage.instant_invalid", await Problems.CodeOf(await GetAsync("?from=yesterday", Guid.NewGuid())));
        Assert.Equal("usage.range_empty", await Problems.CodeOf(await GetAsync("?from=2026-02-01&to=2026-01-01", Guid.NewGuid())));
    }
}
