using System.Diagnostics;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>
/// What sound adds to composing a film: the same three 4 s 720p clips composed silent (a score without lines) and
/// voiced (a narration line per shot, a music bed, loudness normalisation), speech not yet cached, in one run.
/// Heavy, so it runs only when asked (docs/benchmarks.md has the command); it prints the times and asserts no time.
/// </summary>
public sealed class FilmSoundBenchmarks : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-sound-bench").FullName);
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        (_services, _harness) = await ComposeRig.StartAsync(_artifacts, new ComposeOptions(TimeSpan.FromMinutes(10), Environment.ProcessorCount), voiced: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    [Fact]
    public async Task Sound_adds_speech_mixing_and_normalisation_to_the_compose_time()
    {
        if (Environment.GetEnvironmentVariable("MINISTUDIO_BENCHMARKS") != "1") Assert.Skip("Set MINISTUDIO_BENCHMARKS=1 to run the benchmarks.");
        var ct = TestContext.Current.CancellationToken;
        var folder = _artifacts.CreateScratchFolder();
        var clips = new List<string>();
        foreach (var colour in new[] { "navy", "teal", "maroon" })
            clips.Add(await _artifacts.AddFileAsync(await Clips.SolidAsync(folder, colour, 4, 1280, 720), ct));
        var music = await _artifacts.AddFileAsync(await Clips.MusicAsync(folder, 12), ct);
        var fade = new ClipTransition("fade", 0.5);
        string[] narration = ["Every night, Mira climbed to the lamp.", "And every night, Theo was already there.", "Together they lit it."];

        var silent = new FilmScore(clips.Select((_, i) => new ScoredShot([], i == 0 ? null : fade)).ToList(), null, Timeline.DefaultLoudnessLufs);
        var voiced = new FilmScore(clips.Select((_, i) => new ScoredShot([new SpokenLine(narration[i], null)], i == 0 ? null : fade)).ToList(),
            new Soundtrack(music, 0.5), Timeline.DefaultLoudnessLufs);

        async Task<(double Seconds, FilmComposed Film)> ComposeAsync(FilmScore score)
        {
            var job = Guid.NewGuid();
            var clock = Stopwatch.StartNew();
            await _harness.Bus.Publish(new ComposeFilm(job, clips, "fade", 0.5, "16:9", Score: score), ct);
            var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == job, timeoutSeconds: 600);
            return (clock.Elapsed.TotalSeconds, composed);
        }

        var (silentSeconds, silentFilm) = await ComposeAsync(silent);
        var (voicedSeconds, voicedFilm) = await ComposeAsync(voiced);
        Assert.Null(await SoundMeter.AudioCodecAsync(_artifacts.PathOf(silentFilm.ArtifactHash)));
        Assert.Equal("aac", await SoundMeter.AudioCodecAsync(_artifacts.PathOf(voicedFilm.ArtifactHash)));
        TestContext.Current.TestOutputHelper!.WriteLine(
            $"silent {silentSeconds:0.00} s, voiced {voicedSeconds:0.00} s: sound adds {voicedSeconds - silentSeconds:0.00} s ({voicedSeconds / silentSeconds:0.00}×) for a {voicedFilm.DurationSeconds:0.0} s film");
    }
}
