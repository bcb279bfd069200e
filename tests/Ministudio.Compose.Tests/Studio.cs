using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Tests;

/// <summary>An artifact store in a temporary folder, a place for fixtures, and a renderer over both.</summary>
internal sealed class Studio : IDisposable
{
    public ArtifactStore Artifacts { get; } = new(Directory.CreateTempSubdirectory("ministudio-compose-tests").FullName);

    public string Fixtures { get; }

    public Studio() => Fixtures = Directory.CreateDirectory(Path.Combine(Artifacts.Root, "fixtures")).FullName;

    public void Dispose() => Directory.Delete(Artifacts.Root, recursive: true);

    /// <summary>Copies a fixture into the store (the fixture stays for reuse) and returns its hash.</summary>
    public async Task<string> AddAsync(string path)
    {
        var copy = Path.Combine(Artifacts.CreateScratchFolder(), Path.GetFileName(path));
        File.Copy(path, copy);
        return await Artifacts.AddFileAsync(copy, TestContext.Current.CancellationToken);
    }

    // The wall-time cap is a safety stop, not a speed test: a loaded 2-core machine takes minutes for a showcase.
    private static readonly ComposeOptions DefaultOptions = new(TimeSpan.FromMinutes(10), 2);

    /// <summary>Renders with the given speech and mixer; the real AudioMixer when none is given.</summary>
    public Task<RenderedFilm> RenderAsync(Timeline timeline, IProgress<double>? progress = null, ISpeechSynthesizer? speech = null, IAudioMixer? mixer = null, ComposeOptions? options = null)
    {
        options ??= DefaultOptions;
        return new TimelineRenderer(options, mixer ?? new AudioMixer(options), speech)
            .RenderAsync(timeline, Artifacts, Artifacts.CreateScratchFolder(), progress, TestContext.Current.CancellationToken);
    }

    public static TimelineClip Video(string hash, double start, double? length = null, ClipTransition? transition = null) =>
        new(TimelineVocabulary.Video, start, length, hash, Transition: transition);

    public static Timeline OneTrack(TimelineOutput output, params TimelineClip[] clips) => new(output, [new TimelineTrack(clips)]);

    public static TimelineOutput Draft(string aspect = "16:9", int resolution = 720, double fps = 24) => new(aspect, resolution, fps, "draft");
}

internal sealed class SynchronousProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);
}
