using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Rendering;

/// <summary>
/// The files around the film: caption files (SRT, WebVTT, and ASS when burned in), title text files and the font the
/// filtergraph reads, and after the encode the poster, the thumbnail sprite and the HLS rendition.
/// </summary>
public sealed class Deliverables(ComposeOptions options)
{
    /// <summary>The font drawtext and libass read, written into the job folder (relative name).</summary>
    public const string FontFile = "fonts/DejaVuSans-Bold.ttf";

    /// <summary>Caption files and the encode's inputs (burned captions, title texts, the font). Returns the SRT and VTT paths.</summary>
    public static async Task<(string? Srt, string? Vtt)> WriteInputsAsync(Timeline timeline, TimelinePlan plan, bool burn, string folder, CancellationToken ct)
    {
        string? srt = null, vtt = null;
        if (plan.Cues.Count > 0)
        {
            srt = Path.Combine(folder, "captions.srt");
            vtt = Path.Combine(folder, "captions.vtt");
            await File.WriteAllTextAsync(srt, Captions.ToSrt(plan.Cues), ct);
            await File.WriteAllTextAsync(vtt, Captions.ToWebVtt(plan.Cues), ct);
        }
        if (burn) await File.WriteAllTextAsync(Path.Combine(folder, "captions.ass"), Captions.ToAss(plan.Cues, timeline.Captions!, timeline.Output.Width, timeline.Output.Height), ct);
        if (burn || plan.Titles.Count > 0) await WriteFontAsync(folder, ct);
        for (var i = 0; i < plan.Titles.Count; i++) await File.WriteAllTextAsync(Path.Combine(folder, $"title-{i:000}.txt"), plan.Titles[i].Text, ct);
        return (srt, vtt);
    }

    /// <summary>Poster, sprite and HLS from film.mp4 in the job folder; optional outputs null when not asked for.</summary>
    public async Task<(string Poster, string? Sprite, string? Playlist)> WriteOutputsAsync(TimelineOutput output, double filmDuration, string folder, CancellationToken ct)
    {
        var poster = Path.Combine(folder, "poster.jpg");
        var posterAt = Math.Min(output.PosterSeconds ?? filmDuration / 3, Math.Max(0, filmDuration - 2 / output.Fps));
        await Ffmpeg.RunAsync(["-threads", options.ThreadsArgument, .. ToolProcess.LocalOnly, "-ss", Ffmpeg.Number(posterAt), "-i", "film.mp4",
            "-frames:v", "1", "-q:v", "3", "-fs", options.MaxBytesArgument, "poster.jpg"], folder, 0, null, ct);

        string? sprite = null;
        if (output.Sprite is { } sheet)
        {
            var thumbnails = sheet.Columns * sheet.Rows;
            sprite = Path.Combine(folder, "sprite.jpg");
            await Ffmpeg.RunAsync(["-threads", options.ThreadsArgument, .. ToolProcess.LocalOnly, "-i", "film.mp4",
                "-vf", $"fps={Ffmpeg.Number(thumbnails / filmDuration)},scale={sheet.ThumbnailWidth}:-2,tile={sheet.Columns}x{sheet.Rows}",
                "-frames:v", "1", "-q:v", "4", "-fs", options.MaxBytesArgument, "sprite.jpg"], folder, 0, null, ct);
        }

        string? playlist = null;
        if (output.Hls is { } hls)
        {
            Directory.CreateDirectory(Path.Combine(folder, "hls"));
            playlist = Path.Combine(folder, "hls", "index.m3u8");
            await Ffmpeg.RunAsync([.. ToolProcess.LocalOnly, "-i", "film.mp4", "-c", "copy", "-f", "hls", "-hls_time", Ffmpeg.Number(hls.SegmentSeconds),
                "-hls_playlist_type", "vod", "-hls_segment_filename", "hls/segment-%03d.ts", "hls/index.m3u8"], folder, 0, null, ct);
        }
        return (poster, sprite, playlist);
    }

    private static async Task WriteFontAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(folder, "fonts"));
        await using var font = typeof(Deliverables).Assembly.GetManifestResourceStream("Ministudio.Compose.Fonts.DejaVuSans-Bold.ttf")
            ?? throw new InvalidOperationException("The caption font is not embedded in Ministudio.Compose.");
        await using var file = File.Create(Path.Combine(folder, FontFile));
        await font.CopyToAsync(file, ct);
    }
}
