using System.Collections.Concurrent;
using Ministudio.Contracts;
using Ministudio.Dispatch.Providers;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// A scripted provider: writes a small real file per request into the store and counts its calls; FailOnCall injects
/// failures by call number (429s, 5xx, refusals).
/// </summary>
internal sealed class RecordingProvider(ArtifactStore artifacts, string name = "local") : IVideoProvider
{
    private int _calls;
    private int _canceled;
    private int _inFlight;
    private int _maxInFlight;

    public string Name => name;
    public int Calls => _calls;
    public int Canceled => _canceled;
    public int MaxInFlight => _maxInFlight;
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(50);
    public Func<int, ProviderException?> FailOnCall { get; init; } = _ => null;

    /// <summary>Refuses a shot by what it carries (e.g. a tenant's own key the vendor no longer accepts).</summary>
    public Func<ShotJob, ProviderException?> Refuse { get; init; } = _ => null;

    /// <summary>The tenant's own key each call carried (null: the platform's).</summary>
    public ConcurrentQueue<string?> KeysSeen { get; } = new();

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var request = shot.Request;
        var call = Interlocked.Increment(ref _calls);
        KeysSeen.Enqueue(shot.TenantSecret?.Value);
        if (Refuse(shot) is { } refusal) throw refusal;
        var inFlight = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, inFlight);
        progress.Report(new ProviderProgress(0.5, "drawing"));
        try
        {
            await Task.Delay(Latency, ct);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Increment(ref _canceled);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
        if (FailOnCall(call) is { } failure) throw failure;
        var file = Path.Combine(artifacts.CreateScratchFolder(), "clip.mp4");
        await File.WriteAllTextAsync(file, $"{request.Prompt}|{request.Seed}", ct);
        return new GeneratedClip(await artifacts.AddFileAsync(file, ct), request.DurationSeconds);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}

internal static class Requests
{
    public static ShotRequest Unique(string provider = "local") => new(
        provider, $"ACTION: test {Guid.NewGuid()}", "test", "16:9", 1280, 720, 24, 2, Random.Shared.NextInt64(), "static", null,
        new ShotStyle("cinematic", ["#000000"]), [new ShotCharacter("Mira", 0, [new("hair", "silver")])]);
}
