using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Dispatch.Apis;
using Ministudio.Dispatch.Money;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>POST /v1/estimates: compiled shots priced by the routing rules and the catalogue, nothing reserved.</summary>
public sealed class EstimatesApiTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-estimate-tests").FullName);
    private NpgsqlDataSource _database = null!;
    private DispatchApiHost _api = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await LedgerDatabase.CreateAsync();
        // "short" makes at most 5 s; "long" bills in 4/8 s steps; "unpriced" has no list price.
        var settings = new DispatchSettings().Vendor("short", 0.05m, maxSeconds: 5).Vendor("long", 0.10m, maxSeconds: 20)
            .Set("Dispatch:Catalogue:long:Models:long-1:Durations:0", "4").Set("Dispatch:Catalogue:long:Models:long-1:Durations:1", "8")
            .Vendor("unpriced", pricePerSecond: null).Chain("premium", "short", "long").Build();
        var router = LedgerDatabase.Router(_database, settings,
            new RecordingProvider(_artifacts, "short"), new RecordingProvider(_artifacts, "long"), new RecordingProvider(_artifacts, "unpriced"));
        _api = await DispatchApiHost.StartAsync(services => services.AddSingleton(router).AddSingleton(new CostLedger(_database)), app => app.MapEstimatesApi());
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private Task<HttpResponseMessage> PostAsync(object body, Guid? tenant)
    {
        return _api.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/estimates") { Content = JsonContent.Create(body, options: JsonSerializerOptions.Web) }, tenant);
    }

    private static object Shot(int index, string provider, double seconds) =>
        new { index, prompt = "ignored by the estimate", request = Requests.Unique(provider) with { DurationSeconds = seconds } };

    [Fact]
    public async Task Each_shot_is_priced_on_the_first_vendor_that_may_make_it_at_the_length_it_bills()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = Guid.NewGuid();
        var response = await PostAsync(new { shots = new[] { Shot(0, "premium", 3), Shot(1, "premium", 6), Shot(2, "unpriced", 2), Shot(3, "nowhere", 2) } }, tenant);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        var shots = report.GetProperty("shots").EnumerateArray().ToList();
        // 3 s fits "short" (0.05 × 3); 6 s is too long for it, so "long" bills its next step, 8 s (0.10 × 8).
        Assert.Equal(("short", 3.0, 0.15m), (shots[0].GetProperty("vendor").GetString(), shots[0].GetProperty("billedSeconds").GetDouble(), shots[0].GetProperty("usd").GetDecimal()));
        Assert.Equal(("long", 8.0, 0.80m), (shots[1].GetProperty("vendor").GetString(), shots[1].GetProperty("billedSeconds").GetDouble(), shots[1].GetProperty("usd").GetDecimal()));
        Assert.Equal("pricing.unknown", shots[2].GetProperty("code").GetString());
        Assert.Equal("provider.unknown", shots[3].GetProperty("code").GetString());
        Assert.Equal(0.95m, report.GetProperty("totalUsd").GetDecimal());
        Assert.False(report.GetProperty("complete").GetBoolean());

        // An estimate spends and reserves nothing.
        var usage = await new CostLedger(_database).UsageAsync(tenant, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), UsageGrouping.Vendor, ct);
        Assert.Empty(usage);
    }

    [Fact]
    public async Task The_tenants_plan_decides_which_vendors_are_priced()
    {
        var tenant = Guid.NewGuid();
        await new CostLedger(_database).SetPlanAsync(new TenantPlanChanged(tenant, "basic", null, ["long"]), TestContext.Current.CancellationToken);
        var report = await (await PostAsync(new { shots = new[] { Shot(0, "premium", 3) } }, tenant)).Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("long", report.GetProperty("shots")[0].GetProperty("vendor").GetString());
    }

    [Fact]
    public async Task Bad_bodies_and_missing_tenants_get_coded_problems()
    {
        Assert.Equal("estimate.shots_empty", await Problems.CodeOf(await PostAsync(new { shots = Array.Empty<object>() }, Guid.NewGuid())));
        Assert.Equal("estimate.request_missing", await Problems.CodeOf(await PostAsync(new { shots = new[] { new { index = 0 } } }, Guid.NewGuid())));
        Assert.Equal("estimate.too_many_shots", await Problems.CodeOf(await PostAsync(new { shots = Enumerable.Range(0, 51).Select(i => Shot(i, "premium", 2)).ToArray() }, Guid.NewGuid())));
        var malformed = new HttpRequestMessage(HttpMethod.Post, "/v1/estimates") { Content = new StringContent("{", System.Text.Encoding.UTF8, "application/json") };
        Assert.Equal("request.malformed_json", await Problems.CodeOf(await _api.SendAsync(malformed, Guid.NewGuid())));
        Assert.Equal("auth.tenant_missing", await Problems.CodeOf(await PostAsync(new { shots = new[] { Shot(0, "premium", 2) } }, tenant: null)));
    }
}
