using Ministudio.Compose.Audio;
using Ministudio.Compose.Tests.Audio;
using Ministudio.Contracts;
using static Ministudio.Compose.Tests.Studio;
using Ministudio.Compose.MediaTools;

namespace Ministudio.Compose.Tests;

/// <summary>A video clip's own sound track reaches the film: mixed, copied, muted, trimmed, placed at its clip's start.</summary>
public sealed class ClipAudioTests : IDisposable
{
    // A 1 kHz tone is loud in a narrow band around it; silence (or another pitch) is not.
    private const string Around1kHz = "bandpass=f=1000:width_type=h:w=100";
    private const double Heard = -35, Silent = -70;

    private readonly Studio _studio = new();
    private readonly AudioMixer _mixer = new(new ComposeOptions(TimeSpan.FromMinutes(2), 2));

    public void Dispose() => _studio.Dispose();

    [Fact]
    public async Task A_clips_tone_is_mixed_into_its_own_window_and_a_muted_clip_adds_nothing()
    {
        var tone = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 2, 1000));
        var mute = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "lime", 1));
        var muted = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "blue", 2, 1000));

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(tone, 0), Video(mute, 2), Video(muted, 3) with { Volume = 0 }), mixer: _mixer);

        Assert.False(film.StreamCopied);
        Assert.Equal(5, await AudioProbe.AudioSecondsAsync(film.Path) ?? 0, 0.1);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 0.2, 1.6, Around1kHz), Heard, 0);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 2.2, 0.6), double.NegativeInfinity, Silent);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 3.2, 1.6), double.NegativeInfinity, Silent);
        // Normalized with everything else to the mixer's -14 LUFS target.
        Assert.Equal(-14, await AudioProbe.IntegratedLoudnessAsync(film.Path), 1.5);
    }

    [Fact]
    public async Task A_clip_sound_is_placed_at_its_clips_start_in_the_mix()
    {
        var mute = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "lime", 1));
        var tone = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 2, 1000));
        var mixer = new RecordingMixer(_mixer);

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(mute, 0), Video(tone, 1)), mixer: mixer);

        Assert.False(film.StreamCopied);
        var placed = Assert.Single(Assert.Single(mixer.Mixes).Sounds);
        Assert.Equal(1, placed.StartSeconds, 3);
        Assert.Contains(film.Arguments, argument => argument.EndsWith(".wav", StringComparison.Ordinal));
        Assert.Equal(3, await AudioProbe.AudioSecondsAsync(film.Path) ?? 0, 0.1);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 0.1, 0.7), double.NegativeInfinity, Silent);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 1.2, 1.6, Around1kHz), Heard, 0);
    }

    [Fact]
    public async Task A_stream_copied_film_keeps_the_clips_sound_for_its_whole_length()
    {
        var first = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 1, 1000, width: 1280, height: 720));
        var second = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "blue", 1.5, 1000, width: 1280, height: 720));

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(first, 0), Video(second, 1)), mixer: _mixer);

        Assert.True(film.StreamCopied);
        Assert.Equal(2.5, await AudioProbe.AudioSecondsAsync(film.Path) ?? 0, 0.1);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 0.2, 0.6, Around1kHz), Heard, 0);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 1.3, 1.0, Around1kHz), Heard, 0);
    }

    [Fact]
    public async Task Clips_with_and_without_sound_take_the_filtergraph_path()
    {
        var tone = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 1, 1000, width: 1280, height: 720));
        var mute = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "blue", 1, 1280, 720));

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(tone, 0), Video(mute, 1)), mixer: _mixer);

        Assert.False(film.StreamCopied);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 0.2, 0.6, Around1kHz), Heard, 0);
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 1.2, 0.6), double.NegativeInfinity, Silent);
    }

    [Fact]
    public async Task A_trimmed_clip_plays_the_sound_from_its_in_point()
    {
        // 500 Hz for the first second of the source, 2 kHz after it; the clip starts one second in.
        var chirp = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 2, 500, after1s: 2000));

        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(chirp, 0, 1) with { Trim = 1 }), mixer: _mixer);

        var high = await AudioProbe.MeanVolumeAsync(film.Path, 0.1, 0.8, "bandpass=f=2000:width_type=h:w=200");
        var low = await AudioProbe.MeanVolumeAsync(film.Path, 0.1, 0.8, "bandpass=f=500:width_type=h:w=100");
        Assert.InRange(high, Heard, 0);
        Assert.True(high - low > 20, $"the 2 kHz part should be heard, not the 500 Hz one (2 kHz {high:0.#} dB, 500 Hz {low:0.#} dB)");
    }

    [Fact]
    public async Task Sounds_crossfade_across_a_transition()
    {
        var low = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "red", 2, 1000));
        var high = await _studio.AddAsync(await Clips.SoundingAsync(_studio.Fixtures, "blue", 2, 2000));
        const string Around2kHz = "bandpass=f=2000:width_type=h:w=200";

        // The second clip starts at 1.5 s, blending in over the first one's last half second.
        var film = await _studio.RenderAsync(OneTrack(Draft(), Video(low, 0, 2), Video(high, 1.5, 2, new ClipTransition("fade", 0.5))));

        var lowAlone = await AudioProbe.MeanVolumeAsync(film.Path, 0.5, 0.8, Around1kHz);
        var lowFadingOut = await AudioProbe.MeanVolumeAsync(film.Path, 1.9, 0.1, Around1kHz);
        var highFadingIn = await AudioProbe.MeanVolumeAsync(film.Path, 1.5, 0.1, Around2kHz);
        var highAlone = await AudioProbe.MeanVolumeAsync(film.Path, 2.2, 1, Around2kHz);
        Assert.True(lowAlone - lowFadingOut > 10, $"the outgoing tone fades out ({lowAlone:0.#} → {lowFadingOut:0.#} dB)");
        Assert.True(highAlone - highFadingIn > 10, $"the incoming tone fades in ({highFadingIn:0.#} → {highAlone:0.#} dB)");
        Assert.InRange(await AudioProbe.MeanVolumeAsync(film.Path, 2.2, 1, Around1kHz), double.NegativeInfinity, lowAlone - 20);
    }

    [Fact]
    public void A_video_clips_volume_is_validated()
    {
        var loud = OneTrack(Draft(), Video(new string('a', 64), 0) with { Volume = 5 });

        Assert.Contains(TimelineValidator.Validate(loud), error => error.Code == "timeline.invalid_volume" && error.Path == "$.tracks[0].clips[0].volume");
    }
}
