using System.Diagnostics;
using System.Net;
using Ministudio.ServiceDefaults;
using Ministudio.Testing;

namespace Ministudio.Chaos.Tests;

/// <summary>
/// R4: Redis hung (SIGSTOP, its sockets open, nothing answering) for 30 s under a steady stream of API requests through
/// the gateway, whose rate limiter keeps its counts there: the limiter fails open, its circuit breaker stops waiting for
/// Redis within about a second, and the limits are enforced again once Redis answers.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class HungRedisScenarioTests(ChaosPlatform platform)
{
    private static readonly TimeSpan Hung = TimeSpan.FromSeconds(30);

    /// <summary>Requests a second, kept under a tenant's default limit (600 a minute) so that only the fault can fail one.</summary>
    private const int PerSecond = 5;

    /// <summary>The bound: the circuit opens within a second of Redis hanging.</summary>
    private static readonly TimeSpan OpensWithin = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task R4_a_hung_redis_costs_no_request_and_no_latency_once_the_breaker_is_open() =>
        ChaosScenario.RunAsync(platform, "R4 Redis hung 30 s (SIGSTOP)", async scenario =>
        {
            using var client = platform.GatewayClient(await platform.NewTenantKeyAsync(Ct));
            client.Timeout = TimeSpan.FromSeconds(30);
            await PacedAsync(client, TimeSpan.FromSeconds(2)); // warm-up: connections, JIT, the key's resolution
            var normal = await PacedAsync(client, TimeSpan.FromSeconds(8));
            Assert.All(normal, request => Assert.True(request.Status == HttpStatusCode.OK && request.Counted, $"before the fault: {request}"));

            var pid = await platform.FreezeAsync(ResourceNames.Redis, Ct);
            List<Request> hung;
            try
            {
                hung = await PacedAsync(client, Hung);
            }
            finally
            {
                AppHostPlatform.Thaw(pid);
            }
            var thawed = Stopwatch.StartNew();
            // Redis answers again: after the breaker's break a probe closes it and requests are counted again …
            while (!(await SendAsync(client)).Counted)
            {
                Assert.True(thawed.Elapsed < TimeSpan.FromMinutes(1), "requests were still not counted a minute after Redis resumed");
                await Task.Delay(100, Ct);
            }
            var countedAgain = thawed.Elapsed;
            // … and enforced: a burst past the tenant's limit is refused.
            var burst = 0;
            HttpStatusCode status;
            do status = (await SendAsync(client)).Status;
            while (status == HttpStatusCode.OK && ++burst < 2_000);

            // The breaker is open from the first request that neither waited for Redis nor was counted.
            var open = hung.FirstOrDefault(request => !request.Counted && request.Elapsed < ChaosPlatform.RedisTimeout * 0.8);
            var afterOpen = open is null ? [] : hung.Where(request => request.SentAt >= open.SentAt).ToList();
            var succeeded = hung.Count(request => request.Status == HttpStatusCode.OK);
            var (normalP50, openP50) = (Median(normal), Median(afterOpen));
            var line = $"{scenario.Name}: {succeeded}/{hung.Count} requests succeeded ({100.0 * succeeded / hung.Count:F2} %), " +
                $"{hung.Count(request => request.Elapsed >= ChaosPlatform.RedisTimeout * 0.8)} waited for Redis, breaker open after {open?.SentAt.TotalSeconds ?? double.NaN:F2} s; " +
                $"p50 {openP50.TotalMilliseconds:F1} ms with the breaker open against {normalP50.TotalMilliseconds:F1} ms with Redis answering ({openP50 / normalP50:F2}x); " +
                $"counted again {countedAgain.TotalSeconds:F1} s after Redis resumed, refused (429) after {burst} more requests";
            TestContext.Current.TestOutputHelper?.WriteLine(line);
            Console.WriteLine($"CHAOS {line}");

            Assert.True(succeeded >= hung.Count * 0.999, line);
            Assert.NotNull(open);
            Assert.True(open.SentAt <= OpensWithin + ChaosPlatform.RedisTimeout, line);
            Assert.True(openP50 <= normalP50 * 2, line);
            Assert.Equal(HttpStatusCode.TooManyRequests, status);
        }, Ct);

    /// <summary>One API request through the gateway: its status, whether the rate limiter counted it (its headers), its time, and when it was sent.</summary>
    private sealed record Request(HttpStatusCode Status, bool Counted, TimeSpan Elapsed, TimeSpan SentAt);

    /// <summary>Requests at <see cref="PerSecond"/> a second for <paramref name="duration"/>, one at a time.</summary>
    private static async Task<List<Request>> PacedAsync(HttpClient client, TimeSpan duration)
    {
        var requests = new List<Request>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < duration; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / PerSecond);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, Ct);
            var sentAt = clock.Elapsed;
            requests.Add(await SendAsync(client) with { SentAt = sentAt });
        }
        return requests;
    }

    private static async Task<Request> SendAsync(HttpClient client)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.GetAsync("/v1/jobs?limit=1", Ct);
            return new Request(response.StatusCode, response.Headers.Contains("RateLimit-Limit"), Stopwatch.GetElapsedTime(started), TimeSpan.Zero);
        }
        catch (HttpRequestException)
        {
            return new Request(0, false, Stopwatch.GetElapsedTime(started), TimeSpan.Zero);
        }
    }

    private static TimeSpan Median(IReadOnlyCollection<Request> requests) =>
        requests.Count == 0 ? TimeSpan.Zero : requests.Select(request => request.Elapsed).Order().ElementAt(requests.Count / 2);
}
