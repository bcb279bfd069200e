using System.Globalization;
using System.Text;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;

namespace Ministudio.Compose.Rendering;

/// <summary>One caption on screen from Start to End (film seconds); Words carry film-time word timings when known.</summary>
public sealed record CaptionCue(double Start, double End, string Text, IReadOnlyList<WordTiming> Words);

/// <summary>Builds caption cues from narration and caption clips and writes them as SRT, WebVTT and ASS.</summary>
public static class Captions
{
    private const int MaxWordsPerCue = 7;
    private const int MaxCharactersPerCue = 42;

    /// <summary>
    /// Cues for one narration: its words grouped into short lines (a line also ends at a sentence's end). Without word
    /// timings the text is split the same way and each line gets a share of the speech proportional to its length.
    /// </summary>
    public static IEnumerable<CaptionCue> FromSpeech(string text, double start, double length, IReadOnlyList<WordTiming> words)
    {
        if (words.Count > 0)
        {
            var timed = words.Select(w => new WordTiming(w.Word, start + w.StartSeconds, start + w.EndSeconds)).ToList();
            foreach (var group in Lines(timed, w => w.Word))
                yield return new CaptionCue(group[0].StartSeconds, group[^1].EndSeconds, string.Join(' ', group.Select(w => w.Word)), group);
            yield break;
        }
        var lines = Lines(text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries), w => w).Select(line => string.Join(' ', line)).ToList();
        var characters = lines.Sum(line => line.Length);
        var at = start;
        foreach (var line in lines)
        {
            var end = at + length * line.Length / characters;
            yield return new CaptionCue(at, end, line, []);
            at = end;
        }
    }

    private static List<List<T>> Lines<T>(IEnumerable<T> words, Func<T, string> text)
    {
        var lines = new List<List<T>>();
        var line = new List<T>();
        var characters = 0;
        foreach (var word in words)
        {
            var length = text(word).Length;
            if (line.Count > 0 && (line.Count >= MaxWordsPerCue || characters + 1 + length > MaxCharactersPerCue))
            {
                lines.Add(line);
                line = [];
                characters = 0;
            }
            line.Add(word);
            characters += (characters > 0 ? 1 : 0) + length;
            if (text(word).EndsWith('.') || text(word).EndsWith('?') || text(word).EndsWith('!'))
            {
                lines.Add(line);
                line = [];
                characters = 0;
            }
        }
        if (line.Count > 0) lines.Add(line);
        return lines;
    }

    public static string ToSrt(IReadOnlyList<CaptionCue> cues)
    {
        var srt = new StringBuilder();
        for (var i = 0; i < cues.Count; i++)
            srt.Append(CultureInfo.InvariantCulture, $"{i + 1}\n{Time(cues[i].Start, ',')} --> {Time(cues[i].End, ',')}\n{cues[i].Text}\n\n");
        return srt.ToString();
    }

    public static string ToWebVtt(IReadOnlyList<CaptionCue> cues)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        foreach (var cue in cues)
            vtt.Append(CultureInfo.InvariantCulture, $"{Time(cue.Start, '.')} --> {Time(cue.End, '.')}\n{cue.Text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;")}\n\n");
        return vtt.ToString();
    }

    /// <summary>
    /// The sprite sheet's WebVTT thumbnail track: one cue per thumbnail, in film order (row by row), pointing at its
    /// tile with a media fragment (sprite.jpg#xywh=x,y,w,h), as players' seek previews read it.
    /// </summary>
    public static string ThumbnailTrack(string sprite, SpriteSheet sheet, int tileWidth, int tileHeight, double filmDuration)
    {
        var vtt = new StringBuilder("WEBVTT\n\n");
        var count = sheet.Columns * sheet.Rows;
        var each = filmDuration / count;
        for (var i = 0; i < count; i++)
            vtt.Append(CultureInfo.InvariantCulture,
                $"{Time(i * each, '.')} --> {Time((i + 1) * each, '.')}\n{sprite}#xywh={i % sheet.Columns * tileWidth},{i / sheet.Columns * tileHeight},{tileWidth},{tileHeight}\n\n");
        return vtt.ToString();
    }

    /// <summary>
    /// An ASS script for libass. With word timings and WordHighlight, each word gets its own event in which it alone
    /// wears the highlight colour, so the highlight follows the voice.
    /// </summary>
    public static string ToAss(IReadOnlyList<CaptionCue> cues, CaptionStyle style, int width, int height)
    {
        var alignment = style.Position switch { "top" => 8, "center" => 5, _ => 2 };
        var ass = new StringBuilder();
        ass.Append(CultureInfo.InvariantCulture, $"""
            [Script Info]
            ScriptType: v4.00+
            PlayResX: {width}
            PlayResY: {height}
            ScaledBorderAndShadow: yes
            WrapStyle: 0

            [V4+ Styles]
            Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
            Style: Default,{FontFamily},{style.FontSize},{AssColour(style.Colour)},{AssColour(style.HighlightColour)},{AssColour(style.OutlineColour)},&H80000000,-1,0,0,0,100,100,0,0,1,{Ffmpeg.Number(style.Outline)},0,{alignment},{width / 20},{width / 20},{height / 16},1

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text

            """);
        var c = style.HighlightColour;
        var highlight = $"{{\\c&H{(c[5..7] + c[3..5] + c[1..3]).ToUpperInvariant()}&}}";
        foreach (var cue in cues)
        {
            if (!style.WordHighlight || cue.Words.Count == 0)
            {
                ass.Append(CultureInfo.InvariantCulture, $"Dialogue: 0,{AssTime(cue.Start)},{AssTime(cue.End)},Default,,0,0,0,,{Escape(cue.Text)}\n");
                continue;
            }
            for (var i = 0; i < cue.Words.Count; i++)
            {
                var from = i == 0 ? cue.Start : cue.Words[i].StartSeconds;
                var to = i == cue.Words.Count - 1 ? cue.End : cue.Words[i + 1].StartSeconds;
                var text = string.Join(' ', cue.Words.Select((w, j) => j == i ? $"{highlight}{Escape(w.Word)}{{\\r}}" : Escape(w.Word)));
                ass.Append(CultureInfo.InvariantCulture, $"Dialogue: 0,{AssTime(from)},{AssTime(to)},Default,,0,0,0,,{text}\n");
            }
        }
        return ass.ToString();
    }

    /// <summary>The family of the shipped font (assets/fonts/DejaVuSans-Bold.ttf), which libass finds through fontsdir.</summary>
    public const string FontFamily = "DejaVu Sans";

    /// <summary>
    /// Caption text cannot carry ASS markup: override blocks ({...}) and backslash escapes (\N, \h) are replaced by
    /// look-alike characters, so a caption can neither restyle nor move itself.
    /// </summary>
    public static string Escape(string text) =>
        text.Replace('\\', '\u29F5').Replace('{', '\uFF5B').Replace('}', '\uFF5D').Replace("\r", "").Replace("\n", "\\N");

    /// <summary>#RRGGBB[AA] → ASS &amp;HAABBGGRR (ASS alpha counts transparency, 00 is opaque).</summary>
    public static string AssColour(string colour)
    {
        var alpha = colour.Length == 9 ? 255 - Convert.ToInt32(colour[7..9], 16) : 0;
        return $"&H{alpha:X2}{colour[5..7]}{colour[3..5]}{colour[1..3]}".ToUpperInvariant();
    }

    private static string Time(double seconds, char separator)
    {
        var t = TimeSpan.FromMilliseconds(Math.Round(Math.Max(0, seconds) * 1000));
        return $"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}{separator}{t.Milliseconds:000}";
    }

    private static string AssTime(double seconds)
    {
        var centiseconds = (long)Math.Round(Math.Max(0, seconds) * 100);
        return $"{centiseconds / 360000}:{centiseconds / 6000 % 60:00}:{centiseconds / 100 % 60:00}.{centiseconds % 100:00}";
    }
}
