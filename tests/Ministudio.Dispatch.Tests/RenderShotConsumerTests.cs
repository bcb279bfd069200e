using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Consumers;
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

/// <summary>The consumer on MassTransit's in-memory harness with real Redis and a recording provider.</summary>
public sealed class RenderShotConsumerTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-dispatch-tests").FullName);
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    private RecordingProvider Provider { get; set; } = null!;

    /// <param name="database">The ledger's and leases' database (default: a fresh one).</param>
    /// <param name="retry">The endpoint's retry, as the services configure it on the bus (default: none).</param>
    private async Task StartAsync(RecordingProvider provider, NpgsqlDataSource? database = null, Action<IRetryConfigurator>? retry = null)
    {
        Provider = provider;
        var redis = await ConnectionMultiplexer.ConnectAsync(await TestInfrastructure.RedisAsync());
        var settings = new DispatchSettings().Vendor(provider.Name, 0m).Chain("auto", provider.Name);
        _services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConnectionMultiplexer>(redis)
            .AddSingleton(database ?? await LedgerDatabase.CreateAsync())
            .AddSingleton(settings.Build())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(_artifacts)
            .AddSingleton<ResultCache>()
            .AddSingleton<CanceledJobs>()
            .AddSingleton<ShotLeases>()
            .AddSingleton<RedisCircuit>()
            .AddSingleton(Options.Create(new RedisCircuitOptions()))
            .AddSingleton(Options.Create(new ShotLeaseOptions()))
            .AddSingleton<CostLedger>()
            .AddSingleton<CapabilityCatalogue>()
            .AddSingleton<VendorPipelines>()
            .AddSingleton(new PromptSecrets().Reader())
            .AddSingleton<ShotRouter>()
            .AddSingleton<IVideoProvider>(provider)
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<RenderShotConsumer>();
                bus.AddConsumer<JobCanceledConsumer>();
                bus.AddConsumer<TenantPlanChangedConsumer>();
                if (retry is not null)
                {
                    bus.UsingInMemory((context, memory) =>
                    {
                        memory.UseMessageRetry(retry);
                        memory.ConfigureEndpoints(context);
                    });
                }
            })
            .BuildServiceProvider(true);
        _harness = _services.GetTestHarness();
        await _harness.Start();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_services is not null) await _services.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    [Fact]
    public async Task A_shot_is_rendered_once_and_then_served_from_the_cache()
    {
        await StartAsync(new RecordingProvider(_artifacts));
        var request = Requests.Unique();
        var jobA = Guid.NewGuid();
        var jobB = Guid.NewGuid();
        var tenant = Guid.NewGuid(); // the cache is per tenant

        await _harness.Bus.Publish(new RenderShot(jobA, tenant, 0, request), TestContext.Current.CancellationToken);
        var first = await RenderedAsync(jobA);
        await _harness.Bus.Publish(new RenderShot(jobB, tenant, 0, request), TestContext.Current.CancellationToken);
        var second = await RenderedAsync(jobB);

        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Equal(first.ArtifactHash, second.ArtifactHash);
        Assert.Equal(1, Provider.Calls);
        Assert.Equal(("local", "local"), (first.Provider, second.Provider));
        await _harness.PublishedAsync<ShotProgressed>(m => m.JobId == jobA);
    }

    [Fact]
    public async Task A_cached_shot_takes_no_lease_and_a_redelivered_hit_is_counted_once()
    {
        await StartAsync(new RecordingProvider(_artifacts));
        var request = Requests.Unique();
        var (first, again, tenant) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await _harness.Bus.Publish(new RenderShot(first, tenant, 0, request), TestContext.Current.CancellationToken);
        await RenderedAsync(first);

        // The same shot of another job, delivered twice (as after a crash before the ack): answered twice from the cache.
        await _harness.Bus.Publish(new RenderShot(again, tenant, 0, request), TestContext.Current.CancellationToken);
        await _harness.Bus.Publish(new RenderShot(again, tenant, 0, request), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => _harness.Published.Select<ShotRendered>().Count(m => m.Context.Message.JobId == again && m.Context.Message.FromCache) == 2);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<RenderShot>().Count(m => m.Context.Message.JobId == again) == 2);

        var database = _services.GetRequiredService<NpgsqlDataSource>();
        async Task<long> CountAsync(string sql, Guid job)
        {
            await using var command = database.CreateCommand(sql);
            command.Parameters.AddWithValue(job);
            return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        }
        Assert.Equal(1, Provider.Calls);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dispatch.shot_leases WHERE job_id = $1", first));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM dispatch.shot_leases WHERE job_id = $1", again));
        // Both deliveries were consumed, usage rows included (written within the consumer, after the answer).
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM dispatch.cost_ledger WHERE job_id = $1 AND cache_hit", again));
    }

    [Fact]
    public async Task A_non_retryable_failure_is_reported_after_one_call()
    {
        await StartAsync(new RecordingProvider(_artifacts) { FailOnCall = _ => new ProviderException("render.invalid_request", "width must be even", retryable: false) });
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 2, Requests.Unique()), TestContext.Current.CancellationToken);

        var failed = await FailedAsync(job);
        Assert.Equal(("render.invalid_request", false, 2), (failed.ErrorCode, failed.Retryable, failed.ShotIndex));
        Assert.Equal(1, Provider.Calls);
    }

    [Fact]
    public async Task A_retryable_failure_is_retried_until_it_succeeds()
    {
        await StartAsync(new RecordingProvider(_artifacts) { FailOnCall = call => call == 1 ? new ProviderException("render.unavailable", "busy", retryable: true) : null });
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 0, Requests.Unique()), TestContext.Current.CancellationToken);

        var rendered = await RenderedAsync(job);
        Assert.False(rendered.FromCache);
        Assert.Equal(2, Provider.Calls);
    }

    [Fact]
    public async Task An_unknown_provider_fails_the_shot_without_any_call()
    {
        await StartAsync(new RecordingProvider(_artifacts));
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 0, Requests.Unique("nonesuch")), TestContext.Current.CancellationToken);

        Assert.Equal("provider.unknown", (await FailedAsync(job)).ErrorCode);
        Assert.Equal(0, Provider.Calls);
    }

    [Fact]
    public async Task Canceling_a_job_stops_its_shot_in_flight_and_skips_the_rest()
    {
        await StartAsync(new RecordingProvider(_artifacts) { Latency = TimeSpan.FromSeconds(30) });
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 0, Requests.Unique()), TestContext.Current.CancellationToken);
        // The harness records a consumer's own publishes only when it finishes, so watch the provider instead.
        await Eventually.TrueAsync(() => Provider.Calls == 1);

        // What JobCanceledConsumer does on every instance (its delivery is checked below).
        await _services.GetRequiredService<CanceledJobs>().CancelAsync(job);
        await Eventually.TrueAsync(() => Provider.Canceled == 1);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<RenderShot>().Any(m => m.Context.Message.JobId == job));

        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 1, Requests.Unique()), TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<RenderShot>().Count(m => m.Context.Message.JobId == job) == 2);

        Assert.Equal(1, Provider.Calls);
        Assert.DoesNotContain(_harness.Published.Select<ShotRendered>(TestContext.Current.CancellationToken), m => m.Context.Message.JobId == job);
        Assert.DoesNotContain(_harness.Published.Select<ShotFailed>(TestContext.Current.CancellationToken), m => m.Context.Message.JobId == job);

        var other = Guid.NewGuid();
        await _harness.Bus.Publish(new JobCanceled(other), TestContext.Current.CancellationToken);
        // The mark as the consumer reads it, with any shot of that job.
        var cache = _services.GetRequiredService<ResultCache>();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await cache.PeekAsync(other, Guid.NewGuid(), Requests.Unique(), TestContext.Current.CancellationToken)).Canceled)
        {
            Assert.True(DateTime.UtcNow < deadline, "JobCanceled did not reach the consumer.");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Fifty_identical_shots_at_once_make_one_vendor_call_and_report_the_vendor_of_a_chain()
    {
        await StartAsync(new RecordingProvider(_artifacts) { Latency = TimeSpan.FromMilliseconds(500) });
        var request = Requests.Unique("auto");
        var jobs = Enumerable.Range(0, 50).Select(_ => Guid.NewGuid()).ToList();
        var tenant = Guid.NewGuid();
        await Task.WhenAll(jobs.Select(job => _harness.Bus.Publish(new RenderShot(job, tenant, 0, request), TestContext.Current.CancellationToken)));

        var rendered = await Task.WhenAll(jobs.Select(RenderedAsync));
        Assert.Equal(1, Provider.Calls);
        Assert.Single(rendered.Select(r => r.ArtifactHash).Distinct());
        Assert.Equal(49, rendered.Count(r => r.FromCache));
        Assert.All(rendered, r => Assert.Equal("local", r.Provider));
    }

    [Fact]
    public async Task A_plan_change_reaches_the_ledger_and_limits_the_tenant()
    {
        await StartAsync(new RecordingProvider(_artifacts));
        var tenant = Guid.NewGuid();
        await _harness.Bus.Publish(new TenantPlanChanged(tenant, "none", null, ["veo"]), TestContext.Current.CancellationToken);
        var ledger = _services.GetRequiredService<CostLedger>();
        await Eventually.TrueAsync(() => ledger.PlanOfAsync(tenant, CancellationToken.None).GetAwaiter().GetResult() is not null);

        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, tenant, 0, Requests.Unique()), TestContext.Current.CancellationToken);
        Assert.Equal(RoutingErrors.NotAllowed, (await FailedAsync(job)).ErrorCode);
        Assert.Equal(0, Provider.Calls);
    }

    [Fact]
    public async Task A_ledger_away_through_every_retry_fails_the_shot_once_on_the_last_attempt()
    {
        // Nothing listens there: every lease attempt meets a refused connection, a transient NpgsqlException.
        await using var unreachable = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={UnusedPort()};Username=nobody;Password=none;Timeout=2");
        var retries = new RetryCounter();
        // MessageRetry's policy and attempt count without its waits (about 50 s in all).
        await StartAsync(new RecordingProvider(_artifacts), unreachable, retry =>
        {
            retry.Handle<Exception>(MessageRetry.IsTransient);
            retry.Immediate(MessageRetry.Limit);
            retry.ConnectRetryObserver(retries);
        });
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new RenderShot(job, Guid.NewGuid(), 1, Requests.Unique()), TestContext.Current.CancellationToken);

        var failed = await FailedAsync(job);
        await Eventually.TrueAsync(() => _harness.Consumed.Select<RenderShot>().Any(m => m.Context.Message.JobId == job));
        Assert.Equal((RoutingErrors.LedgerUnavailable, true, 1), (failed.ErrorCode, failed.Retryable, failed.ShotIndex));
        // Every attempt but the last went back to the retry; only the last one told prompt.
        Assert.Equal(MessageRetry.Limit, retries.Retries);
        Assert.Single(_harness.Published.Select<ShotFailed>(TestContext.Current.CancellationToken), m => m.Context.Message.JobId == job);
        Assert.Empty(_harness.Published.Select<Fault<RenderShot>>(TestContext.Current.CancellationToken));
        Assert.Equal(0, Provider.Calls);
    }

    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task<ShotRendered> RenderedAsync(Guid job) => _harness.PublishedAsync<ShotRendered>(m => m.JobId == job);

    private Task<ShotFailed> FailedAsync(Guid job) => _harness.PublishedAsync<ShotFailed>(m => m.JobId == job);
}
