using System.Text.Json;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Tests.Audio;
using Ministudio.Contracts;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>samples/timelines/showcase.json rendered end to end, with stand-in audio and with the service's own.</summary>
public sealed class ShowcaseTests : IDisposable
{
    private readonly Studio _studio = new();

    public void Dispose() => _studio.Dispose();

    public static Timeline Sample(IReadOnlyDictionary<string, string>? assets = null)
    {
        var json = File.ReadAllText(Path.Combine(Repository.Root, "samples", "timelines", "showcase.json"));
        foreach (var (placeholder, hash) in assets ?? new Dictionary<string, string>()) json = json.Replace(placeholder, hash);
        return JsonSerializer.Deserialize<Timeline>(json, JsonSerializerOptions.Web)!;
    }

    [Fact]
    public void The_sample_is_valid_and_shows_the_features_off()
    {
        var timeline = Sample();
        Assert.Empty(TimelineValidator.Validate(timeline));
        var clips = timeline.Tracks.SelectMany(t => t.Clips).ToList();
        Assert.True(clips.Select(c => c.Transition?.Type).OfType<string>().Distinct().Count() >= 5);
        Assert.Contains(clips, c => c.Type == "title" && c.Style == "lower-third");
        Assert.Contains(clips, c => c.Type == "narration");
        Assert.Contains(clips, c => c.Type == "caption");
        Assert.NotNull(timeline.Soundtrack);
        Assert.True(timeline.Captions!.Burn);
    }

    [Fact]
    public async Task The_showcase_renders_with_narration_music_and_captions()
    {
        var ct = TestContext.Current.CancellationToken;
        var assets = new Dictionary<string, string>();
        string[] colours = ["red", "green", "blue", "purple", "orange"];
        for (var i = 0; i < colours.Length; i++)
            assets[string.Concat(Enumerable.Repeat($"c{i + 1}", 32))] = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, colours[i], 3));
        assets[string.Concat(Enumerable.Repeat("1a", 32))] = await _studio.AddAsync(await Clips.StillAsync(_studio.Fixtures, 800, 800));
        assets[string.Concat(Enumerable.Repeat("ab", 32))] = await _studio.AddAsync(await Clips.MusicAsync(_studio.Fixtures, 20));
        var timeline = Sample(assets);
        // Draft keeps the encode short on two cores; everything else is the sample as written.
        timeline = timeline with { Output = timeline.Output with { Quality = "draft" } };
        var speech = new ToneSpeech();
        var mixer = new SimpleMixer();

        var film = await _studio.RenderAsync(timeline, speech: speech, mixer: mixer);

        var video = await Media.ProbeAsync(film.Path);
        var streams = await Ffmpeg.ProbeAsync(film.Path, "/", ct);
        Assert.Equal(("h264", 1280, 720), (video.Codec, video.Width, video.Height));
        Assert.True(streams.HasAudio);
        Assert.Equal(15.5, video.DurationSeconds, 0.1);
        Assert.False(film.StreamCopied);

        // Narration: spoken with the asked-for voice, its length taken from the speech, mixed over the music bed.
        Assert.Equal(["espeak:en-us", "espeak:en-us"], speech.Requests.Select(r => r.Voice));
        var mix = Assert.Single(mixer.Mixes);
        Assert.Equal([1.0, 8.0], mix.Speech.Select(s => s.StartSeconds));
        Assert.Equal(15.5, mix.DurationSeconds, 0.001);
        Assert.Equal(0.5, mix.Music!.Volume);

        // Captions: the first narration (6 words at 0.4 s each from 1 s), the second in lines, the caption clip last.
        var srt = await File.ReadAllTextAsync(film.SrtPath!, ct);
        Assert.StartsWith("1\n00:00:01,000 --> 00:00:03,360\nEvery film starts as a timeline.\n\n2\n00:00:08,000 --> ", srt);
        Assert.EndsWith("00:00:13,000 --> 00:00:15,000\nMade with Ministudio\n\n", srt);
        var vtt = await File.ReadAllTextAsync(film.VttPath!, ct);
        Assert.StartsWith("WEBVTT\n\n00:00:01.000 --> 00:00:03.360\nEvery film starts as a timeline.\n\n", vtt);
        Assert.Equal(srt.Split("-->").Length, vtt.Split("-->").Length);
        // Burned with each word highlighted as it is spoken.
        var ass = await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(film.Path)!, "captions.ass"), ct);
        Assert.Contains("Dialogue: 0,0:00:01.40,0:00:01.80,Default,,0,0,0,,Every {\\c&H00D4FF&}film{\\r} starts as a timeline.", ass);

        Assert.True(File.Exists(film.PosterPath));
        Assert.Equal((4 * 160, 3 * 90), await SizeOfAsync(film.SpritePath!));
        Assert.Contains("#EXT-X-ENDLIST", await File.ReadAllTextAsync(film.HlsPlaylistPath!, ct));
    }

    [Fact]
    public async Task The_showcase_speaks_with_espeak_ducks_its_music_and_lands_on_the_loudness_target()
    {
        var ct = TestContext.Current.CancellationToken;
        var assets = new Dictionary<string, string>();
        for (var i = 1; i <= 5; i++)
            assets[string.Concat(Enumerable.Repeat($"c{i}", 32))] = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "gray", 3));
        assets[string.Concat(Enumerable.Repeat("1a", 32))] = await _studio.AddAsync(await Clips.StillAsync(_studio.Fixtures, 800, 800));
        // A steady 9.5 kHz tone as the music bed: espeak puts next to no energy that high, so a narrow band around it
        // hears the music alone, under speech and between speech.
        var music = Path.Combine(_studio.Fixtures, "tone-bed.wav");
        await FfmpegTool.RunAsync(["-f", "lavfi", "-i", "sine=f=9500:d=20:sample_rate=48000", "-ac", "2", music], ct);
        assets[string.Concat(Enumerable.Repeat("ab", 32))] = await _studio.AddAsync(music);
        var timeline = Sample(assets);
        timeline = timeline with { Output = timeline.Output with { Quality = "draft", Hls = null, Sprite = null } };
        using var audio = new SpeechServices();

        // A generous cap: the cap is a safety stop, not a speed test, and a shared CI machine can be slow.
        var film = await _studio.RenderAsync(timeline, speech: audio.Synthesizer,
            mixer: (IAudioMixer)audio.Provider.GetService(typeof(IAudioMixer))!, options: new ComposeOptions(TimeSpan.FromMinutes(10), 2));

        Assert.Equal(15.5, (await Media.ProbeAsync(film.Path)).DurationSeconds, 0.1);
        Assert.InRange(await AudioProbe.IntegratedLoudnessAsync(film.Path), -15, -13);
        // The first narration starts at 1 s and speaks for about two seconds; the next starts at 8 s.
        const string musicBand = "bandpass=f=9500:width_type=q:w=20";
        var underSpeech = await AudioProbe.MeanVolumeAsync(film.Path, 1.5, 1.0, musicBand);
        var betweenSpeech = await AudioProbe.MeanVolumeAsync(film.Path, 5.0, 2.0, musicBand);
        Assert.True(underSpeech < betweenSpeech - 3, $"music under speech {underSpeech} dB, between speech {betweenSpeech} dB");
        var srt = await File.ReadAllTextAsync(film.SrtPath!, ct);
        Assert.StartsWith("1\n00:00:01,000 --> ", srt);
    }

    private static async Task<(int, int)> SizeOfAsync(string path)
    {
        var info = await Media.ProbeAsync(path);
        return (info.Width, info.Height);
    }
}
