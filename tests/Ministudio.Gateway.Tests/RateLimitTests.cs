using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Ministudio.Gateway.RateLimiting;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Gateway.Tests;

/// <summary>
/// Per-tenant limits on a real Redis, behind a stand-in prompt that resolves keys (each with its tenant's limit) and
/// answers every /v1 request. Tenants are fresh per test class, so runs never share a budget.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    // Well-formed keys: the gateway refuses malformed ones before it asks prompt.
    private static readonly string SmallKey = ApiKeys.Generate(ApiKeys.Test);
    private static readonly string NoisyKey = ApiKeys.Generate(ApiKeys.Test);
    private static readonly string QuietKey = ApiKeys.Generate(ApiKeys.Test);
    private static readonly string DefaultKey = ApiKeys.Generate(ApiKeys.Test);

    private readonly Dictionary<string, (Guid Id, int? Limit)> _keys = new()
    {
        [SmallKey] = (Guid.NewGuid(), 10),
        [NoisyKey] = (Guid.NewGuid(), 20),
        [QuietKey] = (Guid.NewGuid(), 1000),
        [DefaultKey] = (Guid.NewGuid(), null),
    };

    private WebApplication _prompt = null!;
    private string _redis = "";
    private readonly List<WebApplicationFactory<Program>> _gateways = [];

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _prompt = builder.Build();
        _prompt.MapPost("/internal/keys/resolve", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            return _keys.TryGetValue(body.RootElement.GetProperty("key").GetString()!, out var tenant)
                ? Results.Json(new { id = tenant.Id, name = "t", rateLimitPerMinute = tenant.Limit })
                : Results.NotFound();
        });
        _prompt.MapGet("/v1/ping", () => "pong");
        await _prompt.StartAsync();
        _redis = await TestInfrastructure.RedisAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways) await gateway.DisposeAsync();
        await _prompt.DisposeAsync();
    }

    private HttpClient Gateway(string? redis = null, int defaultLimit = 600, IReadOnlyDictionary<string, string>? settings = null)
    {
        var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("services:prompt:http:0", _prompt.Urls.Single());
            // No usage route is exercised here; the gateway only needs an address for its dispatch cluster.
            web.UseSetting("services:dispatch:http:0", _prompt.Urls.Single());
            // No MCP server here: its route exists, nothing answers it.
            web.UseSetting("services:mcp:http:0", "http://127.0.0.1:9");
            web.UseSetting("ConnectionStrings:redis", redis ?? _redis);
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
            web.UseSetting("Gateway:RateLimit:RequestsPerMinute", defaultLimit.ToString());
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) web.UseSetting(key, value);
        });
        _gateways.Add(gateway);
        return gateway.CreateClient();
    }

    private static async Task<HttpResponseMessage> Ping(HttpClient gateway, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ping");
        request.Headers.Authorization = new("Bearer", key);
        return await gateway.SendAsync(request, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Two_gateways_on_one_redis_share_a_tenants_budget()
    {
        HttpClient[] gateways = [Gateway(), Gateway()];
        var allowedPerGateway = new int[2];
        for (var i = 0; i < 40; i++)
        {
            if ((await Ping(gateways[i % 2], SmallKey)).StatusCode == HttpStatusCode.OK) allowedPerGateway[i % 2]++;
        }
        var allowed = allowedPerGateway.Sum();
        TestContext.Current.TestOutputHelper?.WriteLine($"limit 10/min, 40 requests over two gateways: allowed {allowedPerGateway[0]} + {allowedPerGateway[1]}");
        // Separate budgets would let 10 through each (20); one shared budget lets through its 10 plus what refilled meanwhile.
        Assert.InRange(allowed, 10, 19);
        Assert.All(allowedPerGateway, a => Assert.True(a > 0));
    }

    [Fact]
    public async Task A_spent_budget_answers_429_with_retry_after_and_ratelimit_headers()
    {
        var gateway = Gateway();
        var first = await Ping(gateway, SmallKey);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("10", first.Headers.GetValues("RateLimit-Limit").Single());
        Assert.Equal("9", first.Headers.GetValues("RateLimit-Remaining").Single());

        HttpResponseMessage refused;
        var sent = 1;
        do
        {
            refused = await Ping(gateway, SmallKey);
            sent++;
        }
        while (refused.StatusCode == HttpStatusCode.OK && sent < 50);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType!.MediaType);
        Assert.Equal("rate_limit.exceeded", await Problems.CodeOf(refused));
        var retryAfter = refused.Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter.TotalSeconds, 1, 6);
        Assert.Equal(0, retryAfter.TotalSeconds % 1);
        Assert.Equal("0", refused.Headers.GetValues("RateLimit-Remaining").Single());
        Assert.InRange(int.Parse(refused.Headers.GetValues("RateLimit-Reset").Single()), 1, 60);
    }

    [Fact]
    public async Task A_noisy_tenant_is_limited_while_a_quiet_tenant_is_always_served()
    {
        var gateway = Gateway();
        var noisy = new ConcurrentDictionary<HttpStatusCode, int>();
        var quiet = new ConcurrentDictionary<HttpStatusCode, int>();
        // Tenant A sends 10x its per-minute limit while tenant B sends steadily alongside it, eight requests in flight each.
        var noisyLoad = Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            noisy.AddOrUpdate((await Ping(gateway, NoisyKey)).StatusCode, 1, (_, n) => n + 1));
        var quietLoad = Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
            quiet.AddOrUpdate((await Ping(gateway, QuietKey)).StatusCode, 1, (_, n) => n + 1));
        await Task.WhenAll(noisyLoad, quietLoad);

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"noisy (20/min, 200 sent): {string.Join(", ", noisy.Select(p => $"{(int)p.Key}={p.Value}"))}; " +
            $"quiet (1000/min, 200 sent): {string.Join(", ", quiet.Select(p => $"{(int)p.Key}={p.Value}"))}");
        Assert.Equal(200, quiet.GetValueOrDefault(HttpStatusCode.OK));
        Assert.InRange(noisy.GetValueOrDefault(HttpStatusCode.OK), 20, 40);
        Assert.Equal(200 - noisy[HttpStatusCode.OK], noisy.GetValueOrDefault(HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Without_a_plan_limit_the_configured_default_applies()
    {
        var response = await Ping(Gateway(defaultLimit: 7), DefaultKey);
        Assert.Equal("7", response.Headers.GetValues("RateLimit-Limit").Single());
    }

    [Fact]
    public async Task Without_redis_requests_pass_and_the_failure_is_counted()
    {
        long failedOpen = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == TenantRateLimiter.FailedOpenMetric) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref failedOpen, value));
        listener.Start();

        // Nothing listens on port 1: every Redis call fails fast.
        var gateway = Gateway(redis: "127.0.0.1:1,connectTimeout=200");
        for (var i = 0; i < 15; i++)
        {
            var response = await Ping(gateway, SmallKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.False(response.Headers.Contains("RateLimit-Limit"));
        }
        Assert.True(Interlocked.Read(ref failedOpen) >= 15);
    }

    [Fact]
    public async Task A_hung_redis_opens_the_circuit_so_requests_keep_their_latency_and_limits_resume_after()
    {
        // Requests that waited for Redis, as the gateway counts them (a slow request on a loaded machine is not one).
        long waited = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == TenantRateLimiter.FailedOpenMetric) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "reason" && tag.Value as string == TenantRateLimiter.FailedOpenNoAnswer) Interlocked.Add(ref waited, value);
        });
        listener.Start();
        await using var relay = TcpRelay.To(_redis);
        var breakDuration = TimeSpan.FromSeconds(1);
        var gateway = Gateway(redis: relay.Address, settings: new Dictionary<string, string> { ["Redis:Circuit:BreakDuration"] = breakDuration.ToString() });
        await TimedPingsAsync(gateway, 20); // warm-up: connections, JIT, the key's resolution
        var normal = await TimedPingsAsync(gateway, 100);
        Assert.All(normal, p => Assert.True(p.Limited, "Redis answers: every request is counted"));

        relay.Stall();
        var hung = await TimedPingsAsync(gateway, 300);
        relay.Resume();

        // A request that waited for Redis took about its timeout (250 ms by default); the rest did not wait at all.
        var waitedForRedis = TimeSpan.FromMilliseconds(new RateLimitOptions().RedisTimeoutMilliseconds * 0.8);
        var slow = hung.Count(p => p.Elapsed >= waitedForRedis);
        var hungFor = TimeSpan.FromTicks(hung.Sum(p => p.Elapsed.Ticks));
        // The circuit opens on the call that makes FailuresToOpen failures; the time until then is what the outage cost.
        var (openedAfter, failures) = (TimeSpan.Zero, 0);
        foreach (var ping in hung)
        {
            openedAfter += ping.Elapsed;
            if (ping.Elapsed >= waitedForRedis && ++failures == new RedisCircuitOptions().FailuresToOpen) break;
        }
        var (normalP50, hungP50) = (Median(normal), Median(hung));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"R4 redis hung {hungFor.TotalSeconds:F1} s: {hung.Count(p => p.Status == HttpStatusCode.OK)}/{hung.Count} succeeded, " +
            $"{Interlocked.Read(ref waited)} waited for redis, {slow} took {waitedForRedis.TotalMilliseconds:F0} ms or more (circuit opened after {openedAfter.TotalMilliseconds:F0} ms), " +
            $"p50 {hungP50.TotalMilliseconds:F2} ms against {normalP50.TotalMilliseconds:F2} ms with redis answering ({hungP50 / normalP50:F2}x)");

        Assert.All(hung, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        // Only the calls that opened the circuit, and one probe per break, waited for the hung Redis.
        Assert.InRange(Interlocked.Read(ref waited), 1, new RedisCircuitOptions().FailuresToOpen + 1 + (int)(hungFor / breakDuration));
        Assert.True(hungP50 <= normalP50 * 2, $"p50 {hungP50.TotalMilliseconds:F2} ms with redis hung is more than twice {normalP50.TotalMilliseconds:F2} ms");

        // Redis answers again: after the break a probe closes the circuit and requests are counted again.
        await Eventually.ValueAsync(async () => (await TimedPingsAsync(gateway, 1))[0], p => p.Limited);
        HttpStatusCode status;
        var sent = 0;
        do status = (await Ping(gateway, SmallKey)).StatusCode;
        while (status == HttpStatusCode.OK && ++sent < 50);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
    }

    private sealed record TimedPing(HttpStatusCode Status, bool Limited, TimeSpan Elapsed);

    private static async Task<List<TimedPing>> TimedPingsAsync(HttpClient gateway, int count)
    {
        var pings = new List<TimedPing>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await Ping(gateway, QuietKey);
            pings.Add(new TimedPing(response.StatusCode, response.Headers.Contains("RateLimit-Limit"), Stopwatch.GetElapsedTime(started)));
        }
        return pings;
    }

    private static TimeSpan Median(IEnumerable<TimedPing> pings)
    {
        var sorted = pings.Select(p => p.Elapsed).Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
