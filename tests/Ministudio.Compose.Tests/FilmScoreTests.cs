using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>A film's score composed for real: espeak-ng speech, the mixer, ffmpeg, the artifact store, the consumer on the harness.</summary>
public sealed class FilmScoreTests : IAsyncLifetime
{
    private const string Narration = "The keeper climbs the stairs.";
    private const string Dialogue = "Light the lamp.";

    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-score-tests").FullName);
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        (_services, _harness) = await ComposeRig.StartAsync(_artifacts, new ComposeOptions(TimeSpan.FromMinutes(3), 2), voiced: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    private async Task<List<string>> ClipsAsync(params (string Colour, double Seconds)[] clips)
    {
        var folder = _artifacts.CreateScratchFolder();
        var hashes = new List<string>();
        foreach (var (colour, seconds) in clips) hashes.Add(await _artifacts.AddFileAsync(await Clips.SolidAsync(folder, colour, seconds), Ct));
        Directory.Delete(folder, recursive: true);
        return hashes;
    }

    /// <summary>The speech the film used (the cache hands back the same clip and word timings).</summary>
    private async Task<SpeechClip> SpeechAsync(string text, string? voice)
    {
        var folder = Directory.CreateTempSubdirectory("ministudio-score-speech").FullName;
        try
        {
            return await _services.GetRequiredService<ISpeechSynthesizer>().SynthesizeAsync(new SpeechRequest(text, voice), folder, Ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_scored_film_is_voiced_captioned_normalised_and_delivered_with_every_file()
    {
        var clips = await ClipsAsync(("red", 4), ("lime", 4));
        var score = new FilmScore(
            [new ScoredShot([new SpokenLine(Narration, null)], null), new ScoredShot([new SpokenLine(Dialogue, "espeak:en+f3", "Mira")], new ClipTransition("wipeleft", 0.5))],
            Music: null, LoudnessLufs: -23);
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(job, clips, "fade", 0.5, "16:9", Score: score), Ct);
        var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == job, timeoutSeconds: 180);

        var film = _artifacts.PathOf(composed.ArtifactHash);
        Assert.Equal(7.5, composed.DurationSeconds, 0.1);
        Assert.Equal("aac", await SoundMeter.AudioCodecAsync(film));
        Assert.Equal(Deliverables.ProvenanceComment, await SoundMeter.TagAsync(film, "comment"));
        Assert.InRange(await SoundMeter.IntegratedLoudnessAsync(film), -24, -22);

        // Speech where each shot's lines were placed: after the lead in shot 0, after the transition in shot 1.
        var narration = await SpeechAsync(Narration, null);
        var dialogue = await SpeechAsync(Dialogue, "espeak:en+f3");
        var dialogueStart = Math.Max(3.5 + FilmScore.LeadSeconds, FilmScore.LeadSeconds + narration.DurationSeconds + FilmScore.GapSeconds);
        var silences = await SoundMeter.SilencesAsync(film, composed.DurationSeconds);
        Assert.True(SoundMeter.Heard(silences, 0, 4), $"no speech in shot 0: {string.Join(", ", silences)}");
        Assert.True(SoundMeter.Heard(silences, 3.5, 7.5), $"no speech in shot 1: {string.Join(", ", silences)}");
        Assert.False(SoundMeter.Heard(silences, dialogueStart + dialogue.DurationSeconds + 0.1, 7.5), "sound after the last line");

        // Every caption cue starts with its first word and ends with its last, as synthesized, to within 100 ms, in both files.
        var files = composed.Deliverables!.ToDictionary(d => d.Name);
        var words = narration.Words.Select(w => (Start: FilmScore.LeadSeconds + w.StartSeconds, End: FilmScore.LeadSeconds + w.EndSeconds))
            .Concat(dialogue.Words.Select(w => (Start: dialogueStart + w.StartSeconds, End: dialogueStart + w.EndSeconds))).ToList();
        foreach (var name in new[] { "captions.vtt", "captions.srt" })
        {
            var cues = SoundMeter.Cues(await File.ReadAllTextAsync(_artifacts.PathOf(files[name].Sha256), Ct));
            Assert.Equal($"{Narration} {Dialogue}".Replace(".", ""), string.Join(' ', cues.Select(c => c.Text)));
            Assert.Empty(SoundMeter.CueMismatches(cues, words));
        }

        // Every file is delivered, stored, and the HLS rendition plays from its master playlist.
        foreach (var name in new[] { "poster.jpg", "sprite.jpg", "sprite.vtt", "captions.srt", "captions.vtt", "audio.m4a", "hls/master.m3u8", "hls/index.m3u8", "hls/segment-000.ts" })
            Assert.True(files.ContainsKey(name) && _artifacts.Contains(files[name].Sha256), $"{name} was not delivered");
        Assert.Contains("index.m3u8", await File.ReadAllTextAsync(_artifacts.PathOf(files["hls/master.m3u8"].Sha256), Ct));
        Assert.Equal("aac", await SoundMeter.AudioCodecAsync(_artifacts.PathOf(files["audio.m4a"].Sha256)));
        var thumbnails = SoundMeter.Cues(await File.ReadAllTextAsync(_artifacts.PathOf(files["sprite.vtt"].Sha256), Ct));
        Assert.Equal(25, thumbnails.Count);
        Assert.StartsWith("sprite.jpg#xywh=0,0,160,90", thumbnails[0].Text);
        Assert.Equal(composed.DurationSeconds, thumbnails[^1].End, 0.1);

        // Composed again from the same score: the stored film and its files are reused.
        var again = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(again, clips, "fade", 0.5, "16:9", Score: score), Ct);
        var reused = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == again, timeoutSeconds: 120);
        Assert.Equal(composed.ArtifactHash, reused.ArtifactHash);
        Assert.Equal(composed.Deliverables!.Select(d => d.Name), reused.Deliverables!.Select(d => d.Name));
    }

    [Fact]
    public async Task Music_is_ducked_under_speech_and_the_mix_meets_the_default_target()
    {
        var clips = await ClipsAsync(("navy", 3), ("teal", 3));
        var folder = _artifacts.CreateScratchFolder();
        var music = await _artifacts.AddFileAsync(await Clips.MusicAsync(folder, 2), Ct);
        var score = new FilmScore([new ScoredShot([new SpokenLine(Dialogue, null)], null), new ScoredShot([], null)], new Soundtrack(music, 0.5), Timeline.DefaultLoudnessLufs);
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(job, clips, "fade", 0.5, "16:9", Score: score), Ct);
        var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == job, timeoutSeconds: 180);

        var film = _artifacts.PathOf(composed.ArtifactHash);
        Assert.Equal(6, composed.DurationSeconds, 0.1);
        Assert.InRange(await SoundMeter.IntegratedLoudnessAsync(film), Timeline.DefaultLoudnessLufs - 1, Timeline.DefaultLoudnessLufs + 1);
        // The music plays to the end, in the cut-joined second shot too.
        Assert.True(SoundMeter.Heard(await SoundMeter.SilencesAsync(film, composed.DurationSeconds), 3, 6));
    }

    [Fact]
    public async Task Speech_longer_than_its_shot_fails_the_film_naming_the_shot()
    {
        var clips = await ClipsAsync(("olive", 1));
        var score = new FilmScore([new ScoredShot([new SpokenLine("This line is far too long to be spoken in a single second of film.", null)], null)], null, -14);
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(job, clips, "fade", 0.5, "16:9", Score: score), Ct);
        var failed = await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == job, timeoutSeconds: 120);
        Assert.Equal("compose.speech_too_long", failed.ErrorCode);
        Assert.Contains("Shot 0", failed.Message);
    }
}
