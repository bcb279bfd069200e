using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Ministudio.Contracts.Render;
using Ministudio.Platform;

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
    private readonly ConcurrentDictionary<(int Width, int Height, int Fps, double Seconds), Lazy<Task<GeneratedClip>>> _storedClips = new();
    private readonly ArtifactStore _artifacts;

    public MockProvider(Renderer.RendererClient renderer, ArtifactStore artifacts, IOptions<MockOptions> options, IOptions<RenderCallOptions> renderCalls, TimeProvider time)
    {
        _artifacts = artifacts;
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

        var clip = _options.ReuseClips
            ? await StoredClipAsync(shot, progress, ct)
            : await _renderer.GenerateAsync(shot with { Request = Small(shot.Request) }, progress, ct);
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

    /// <summary>
    /// With <see cref="MockOptions.ReuseClips"/>: the clip of the shot's format, rendered once from a fixed stand-in
    /// request (concurrent first requests share that render, which no one shot's cancellation stops) and served from
    /// the artifact store after that.
    /// </summary>
    private async Task<GeneratedClip> StoredClipAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var small = Small(shot.Request);
        var standIn = small with
        {
            Prompt = "mock clip", Action = "mock clip", Seed = 1, CameraMove = "static", NegativePrompt = null, Style = new Contracts.ShotStyle("mock", ["#223344", "#88AACC", "#F0E0C0"]),
            Characters = [], FirstFrameClip = null, ReferenceImages = null, ShotType = null, Environment = null, Speech = null,
        };
        var format = (small.Width, small.Height, small.Fps, small.DurationSeconds);
        while (true)
        {
            var stored = _storedClips.GetOrAdd(format, _ => new Lazy<Task<GeneratedClip>>(
                () => _renderer.GenerateAsync(new ShotJob(Guid.Empty, 0, standIn), new Progress<ProviderProgress>(), CancellationToken.None)));
            GeneratedClip clip;
            try
            {
                clip = await stored.Value.WaitAsync(ct);
            }
            catch (ProviderException)
            {
                // A failed render is not kept: the next request of the format renders again.
                _storedClips.TryRemove(KeyValuePair.Create(format, stored));
                throw;
            }
            if (await _artifacts.ContainsAsync(clip.ArtifactHash, ct))
            {
                progress.Report(new ProviderProgress(1, "stored"));
                return clip;
            }
            _storedClips.TryRemove(KeyValuePair.Create(format, stored));
        }
    }

    /// <summary>The request at the mock's small size and frame rate, same shape and length; sides kept even for H.264.</summary>
    private Contracts.ShotRequest Small(Contracts.ShotRequest request)
    {
        var scale = Math.Min(1.0, (double)_options.LongSide / Math.Max(request.Width, request.Height));
        static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
        return request with { Width = Even(request.Width * scale), Height = Even(request.Height * scale), Fps = Math.Min(request.Fps, _options.Fps) };
    }
}
