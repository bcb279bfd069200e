using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Bench;

/// <summary>
/// The bench on the platform's bus, as prompt is to dispatch: publishes <see cref="RenderShot"/> (MassTransit on
/// RabbitMQ, publisher confirms on: a publish completes when the broker has the message) and hears every
/// <see cref="ShotRendered"/> and <see cref="ShotFailed"/> on a temporary queue of its own. Each shot gets its own job
/// id, so a shot's time is from just before its publish to its answer arriving here, by the bench's clock.
/// </summary>
public sealed class ShotBus : IAsyncDisposable
{
    private readonly IBusControl _bus;
    private readonly ConcurrentDictionary<Guid, Pending> _pending = new();

    private sealed record Pending(long PublishedAt, TaskCompletionSource<ShotAnswer> Answer);

    /// <summary>One shot's answer: seconds from publish to answer, whether from the cache, or the failure code.</summary>
    public sealed record ShotAnswer(double Seconds, bool FromCache, string? FailureCode);

    private ShotBus(IBusControl bus) => _bus = bus;

    public static async Task<ShotBus> StartAsync(Uri rabbitMq)
    {
        ShotBus? self = null;
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(rabbitMq);
            rabbit.ReceiveEndpoint($"bench-shots-{Guid.NewGuid():N}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.PrefetchCount = 256;
                endpoint.Handler<ShotRendered>(context =>
                {
                    self!.Complete(context.Message.JobId, fromCache: context.Message.FromCache, failure: null);
                    return Task.CompletedTask;
                });
                endpoint.Handler<ShotFailed>(context =>
                {
                    self!.Complete(context.Message.JobId, fromCache: false, failure: context.Message.ErrorCode);
                    return Task.CompletedTask;
                });
            });
        });
        self = new ShotBus(bus);
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return self;
    }

    private void Complete(Guid jobId, bool fromCache, string? failure)
    {
        // Answers for shots this bench did not send (prompt's films) are not ours.
        if (!_pending.TryRemove(jobId, out var pending)) return;
        pending.Answer.TrySetResult(new ShotAnswer(Stopwatch.GetElapsedTime(pending.PublishedAt).TotalSeconds, fromCache, failure));
    }

    /// <summary>Publishes one shot and waits for its answer.</summary>
    public async Task<ShotAnswer> RenderAsync(Guid tenantId, ShotRequest request, TimeSpan timeout)
    {
        var jobId = Guid.CreateVersion7();
        var pending = new Pending(Stopwatch.GetTimestamp(), new TaskCompletionSource<ShotAnswer>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[jobId] = pending;
        await _bus.Publish(new RenderShot(jobId, tenantId, 0, request));
        try
        {
            return await pending.Answer.Task.WaitAsync(timeout);
        }
        finally
        {
            _pending.TryRemove(jobId, out _);
        }
    }

    /// <summary>
    /// Publishes <paramref name="requests"/> with at most <paramref name="inFlight"/> unanswered at once and waits for
    /// every answer; seconds from the first publish to the last answer, and the answers.
    /// </summary>
    public async Task<(double Seconds, IReadOnlyList<ShotAnswer> Answers)> RenderAllAsync(
        Guid tenantId, IReadOnlyList<ShotRequest> requests, int inFlight, TimeSpan timeout)
    {
        var answers = new ShotAnswer[requests.Count];
        var next = -1;
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(inFlight, requests.Count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count)
                answers[i] = await RenderAsync(tenantId, requests[i], timeout);
        }));
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, answers);
    }

    /// <summary>
    /// The bus alone, the peer of P4: the same number of messages published with confirms, to an exchange bound to a
    /// queue of this bench, and consumed there (nothing done with them), from the first publish to the last consumed.
    /// </summary>
    public static async Task<double> BusRoundTripsAsync(Uri rabbitMq, int count, int inFlight)
    {
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queue = $"bench-echo-{Guid.NewGuid():N}";
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(rabbitMq);
            rabbit.ReceiveEndpoint(queue, endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Durable = false;
                endpoint.PrefetchCount = 256;
                endpoint.Handler<BenchEcho>(_ =>
                {
                    if (Interlocked.Increment(ref received) == count) done.TrySetResult();
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var next = -1;
            var start = Stopwatch.GetTimestamp();
            // Published like RenderShot (to the message type's exchange, bound to the queue above), confirms on.
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < count) await bus.Publish(new BenchEcho(Guid.NewGuid()));
            }));
            await done.Task.WaitAsync(TimeSpan.FromMinutes(2));
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>
    /// The bus alone, P2's floor: a cache hit's two hops with nothing done between them, one at a time. A message
    /// published with confirms to a durable queue (as RenderShot to dispatch's), its handler publishing a reply with
    /// confirms to a second durable queue (as ShotRendered to prompt's), heard here; milliseconds per round trip, sorted.
    /// </summary>
    public static async Task<List<double>> BusRelayAsync(Uri rabbitMq, int count)
    {
        var replies = new ConcurrentDictionary<Guid, TaskCompletionSource>();
        var suffix = Guid.NewGuid().ToString("N");
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(rabbitMq);
            rabbit.ReceiveEndpoint($"bench-relay-{suffix}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Handler<BenchRelay>(context => context.Publish(new BenchRelayed(context.Message.Id)));
            });
            rabbit.ReceiveEndpoint($"bench-relayed-{suffix}", endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Handler<BenchRelayed>(context =>
                {
                    if (replies.TryRemove(context.Message.Id, out var reply)) reply.TrySetResult();
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var milliseconds = new List<double>(count);
            for (var i = 0; i < count; i++)
            {
                var id = Guid.NewGuid();
                var reply = replies[id] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var start = Stopwatch.GetTimestamp();
                await bus.Publish(new BenchRelay(id));
                await reply.Task.WaitAsync(TimeSpan.FromSeconds(30));
                milliseconds.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            milliseconds.Sort();
            return milliseconds;
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    public async ValueTask DisposeAsync() => await _bus.StopAsync();
}

/// <summary>The first hop's message in <see cref="ShotBus.BusRelayAsync"/>.</summary>
public sealed record BenchRelay(Guid Id);

/// <summary>The second hop's message in <see cref="ShotBus.BusRelayAsync"/>.</summary>
public sealed record BenchRelayed(Guid Id);

/// <summary>The peer's message in <see cref="ShotBus.BusRoundTripsAsync"/>.</summary>
public sealed record BenchEcho(Guid Id);
