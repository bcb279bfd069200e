using System.Collections.Concurrent;
using Ministudio.ServiceDefaults;
using StackExchange.Redis;

namespace Ministudio.Dispatch.Consumers;

/// <summary>
/// Which jobs were canceled. Redis remembers it for every dispatch instance (so shots not started yet are skipped
/// wherever they land); each instance stops its own shots in flight.
/// </summary>
public sealed class CanceledJobs(IConnectionMultiplexer redis, RedisCircuit circuit, ILogger<CanceledJobs> logger)
{
    private static readonly TimeSpan Memory = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<CancellationTokenSource, byte>> _inFlight = new();

    /// <summary>The Redis key that marks a job canceled (the result cache reads it with a shot's entry in one round trip).</summary>
    public static RedisKey KeyOf(Guid jobId) => $"ministudio:canceled:{jobId}";

    public async Task CancelAsync(Guid jobId)
    {
        try
        {
            await circuit.CallAsync(_ => redis.GetDatabase().StringSetAsync(KeyOf(jobId), 1, Memory));
        }
        catch (Exception ex) when (RedisCircuit.IsUnavailable(ex))
        {
            logger.LogWarning(ex, "Could not remember that job {JobId} was canceled; its shots in flight here stop anyway", jobId);
        }
        if (_inFlight.TryGetValue(jobId, out var running))
        {
            foreach (var shot in running.Keys) await shot.CancelAsync();
        }
    }

    /// <summary>A token for one shot of a job, canceled when the job is; dispose it when the shot is done.</summary>
    public Tracked Track(Guid jobId, CancellationToken shutdown) => new(this, jobId, CancellationTokenSource.CreateLinkedTokenSource(shutdown));

    public sealed class Tracked : IDisposable
    {
        private readonly CanceledJobs _owner;
        private readonly Guid _jobId;
        private readonly CancellationTokenSource _source;

        internal Tracked(CanceledJobs owner, Guid jobId, CancellationTokenSource source)
        {
            (_owner, _jobId, _source) = (owner, jobId, source);
            owner._inFlight.GetOrAdd(jobId, _ => new()).TryAdd(source, 0);
        }

        public CancellationToken Token => _source.Token;

        public void Dispose()
        {
            if (_owner._inFlight.TryGetValue(_jobId, out var running))
            {
                running.TryRemove(_source, out _);
                if (running.IsEmpty) _owner._inFlight.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<CancellationTokenSource, byte>>(_jobId, running));
            }
            _source.Dispose();
        }
    }
}
