using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Ministudio.Contracts.Render;

namespace Ministudio.Dispatch.Providers.Vendors.Mock;

/// <summary>
/// A vendor that needs no network or money: it renders a real, small MP4 through the render service (the same gRPC
/// path as <see cref="LocalRenderProvider"/>) and fails exactly as <see cref="MockOptions"/> says, so demos, local
/// development and the routing chaos tests see vendor behaviour that is reproducible from the seed.
/// </summary>
public sealed class MockProvider : IVideoProvider
{
    public const string ProviderName = "mock";
    public const string ModelName = "mock-1";

    /// <summary>Attempt counters are dropped when a shot ends; past this many open ones the oldest are forgotten.</summary>
    private const int MaxTrackedShots = 10_000;

    private readonly LocalRenderProvider _renderer;
    private readonly MockOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(Guid Job, int Shot, long Seed), int> _attempts = new();

    public MockProvider(Renderer.RendererClient renderer, IOptions<MockOptions> options, IOptions<RenderCallOptions> renderCalls, TimeProvider time)
    {
        _options = options.Value;
        if (_options.FailureRate is < 0 or > 1 || double.IsNaN(_options.FailureRate))
            throw new InvalidOperationException($"Dispatch:Vendors:{ProviderName}:FailureRate must be between 0 and 1, not {_options.FailureRate}.");
        if (_options.FailureKinds.FirstOrDefault(kind => !MockFailureKinds.All.Contains(kind)) is { } unknown)
            throw new InvalidOperationException($"Dispatch:Vendors:{ProviderName}:FailureKinds has {unknown}; use {string.Join(", ", MockFailureKinds.All)}.");
        _renderer = new LocalRenderProvider(renderer, renderCalls, time);
        _time = time;
    }

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var key = (shot.JobId, shot.ShotIndex, shot.Request.Seed);
        if (_attempts.Count >= MaxTrackedShots) _attempts.Clear();
        var attempt = _attempts.AddOrUpdate(key, 1, (_, previous) => previous + 1);

        var failure = FailureFor(shot.Request.Seed, attempt);
        if (failure?.Code == ProviderErrors.RateLimited) throw failure;
        if (_options.StuckSeeds.Contains(shot.Request.Seed))
        {
            progress.Report(new ProviderProgress(0, "queued"));
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct);
        }
        if (_options.Latency > TimeSpan.Zero)
        {
            progress.Report(new ProviderProgress(0, "queued"));
            await Task.Delay(_options.Latency, _time, ct);
        }
        if (failure is not null)
        {
            if (!failure.Retryable) _attempts.TryRemove(key, out _);
            throw failure;
        }

        var clip = await _renderer.GenerateAsync(shot with { Request = Small(shot.Request) }, progress, ct);
        _attempts.TryRemove(key, out _);
        return clip with { DurationSeconds = shot.Request.DurationSeconds, Model = ModelName };
    }

    /// <summary>The failure attempt <paramref name="attempt"/> of a request with <paramref name="seed"/> meets, or null.</summary>
    public ProviderException? FailureFor(long seed, int attempt)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes($"mock|{seed}|{attempt}"));
        var draw = (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
        if (attempt > _options.FailFirstAttempts && draw >= _options.FailureRate) return null;

        var kinds = _options.EffectiveFailureKinds;
        var kind = kinds[(int)(BinaryPrimitives.ReadUInt64BigEndian(hash.AsSpan(8)) % (ulong)kinds.Count)];
        var detail = $"mock vendor: injected {kind} on attempt {attempt} of seed {seed}.";
        return kind switch
        {
            MockFailureKinds.RateLimited => new ProviderException(ProviderErrors.RateLimited, detail, retryable: true) { RetryAfter = _options.RetryAfter },
            MockFailureKinds.Unavailable => new ProviderException(ProviderErrors.Unavailable, detail, retryable: true),
            _ => new ProviderException(ProviderErrors.ContentRejected, detail, retryable: false),
        };
    }

    /// <summary>The request at the mock's small size and frame rate, same shape and length; sides kept even for H.264.</summary>
    private Contracts.ShotRequest Small(Contracts.ShotRequest request)
    {
        var scale = Math.Min(1.0, (double)_options.LongSide / Math.Max(request.Width, request.Height));
        static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
        return request with { Width = Even(request.Width * scale), Height = Even(request.Height * scale), Fps = Math.Min(request.Fps, _options.Fps) };
    }
}
