using Ministudio.Compose.Audio;
using Ministudio.Compose.Rendering;
using Ministudio.Contracts;

namespace Ministudio.Compose.Tests;

public sealed class CaptionsTests
{
    [Fact]
    public void Word_timings_become_short_cues_in_film_time()
    {
        var words = "One two three four five six seven eight. Nine".Split(' ')
            .Select((w, i) => new WordTiming(w, i * 0.5, i * 0.5 + 0.4)).ToList();

        var cues = Captions.FromSpeech("ignored when words are known", 10, 5, words).ToList();

        Assert.Equal(["One two three four five six seven", "eight.", "Nine"], cues.Select(c => c.Text));
        Assert.Equal((10, 13.4), (cues[0].Start, cues[0].End));
        Assert.Equal((13.5, 13.9), (cues[1].Start, cues[1].End));
        Assert.Equal(14, cues[2].Words[0].StartSeconds);
    }

    [Fact]
    public void Without_word_timings_lines_share_the_speech_by_length()
    {
        var cues = Captions.FromSpeech("Short one. And then a somewhat longer second line.", 2, 6, []).ToList();
        Assert.Equal(["Short one.", "And then a somewhat longer second line."], cues.Select(c => c.Text));
        Assert.Equal(2, cues[0].Start);
        Assert.Equal(cues[0].End, cues[1].Start);
        Assert.Equal(8, cues[1].End, 0.0001);
        Assert.Empty(cues[0].Words);
    }

    [Fact]
    public void Srt_and_webvtt_have_their_time_formats_and_escapes()
    {
        CaptionCue[] cues = [new(1.5, 3.25, "Fish & <chips>", []), new(3661.001, 3662, "Next", [])];
        Assert.Equal("1\n00:00:01,500 --> 00:00:03,250\nFish & <chips>\n\n2\n01:01:01,001 --> 01:01:02,000\nNext\n\n", Captions.ToSrt(cues));
        Assert.Equal("WEBVTT\n\n00:00:01.500 --> 00:00:03.250\nFish &amp; &lt;chips&gt;\n\n01:01:01.001 --> 01:01:02.000\nNext\n\n", Captions.ToWebVtt(cues));
    }

    [Fact]
    public void Ass_highlights_the_spoken_word_and_text_cannot_carry_markup()
    {
        WordTiming[] words = [new("Hi", 1, 1.4), new("{\\pos(0,0)}you", 1.5, 2)];
        var ass = Captions.ToAss([new CaptionCue(1, 2, "Hi {\\pos(0,0)}you", words)], new CaptionStyle(Burn: true, HighlightColour: "#FFD400"), 1280, 720);

        Assert.Contains("Style: Default,DejaVu Sans,48,&H00FFFFFF,&H0000D4FF,&H00000000,", ass);
        Assert.Contains("Dialogue: 0,0:00:01.00,0:00:01.50,Default,,0,0,0,,{\\c&H00D4FF&}Hi{\\r} \uFF5B\u29F5pos(0,0)\uFF5Dyou\n", ass);
        Assert.Contains("Dialogue: 0,0:00:01.50,0:00:02.00,Default,,0,0,0,,Hi {\\c&H00D4FF&}\uFF5B\u29F5pos(0,0)\uFF5Dyou{\\r}\n", ass);
        Assert.DoesNotContain("{\\pos", ass);
        Assert.Equal("&H80112233", Captions.AssColour("#3322117F"));
    }
}
