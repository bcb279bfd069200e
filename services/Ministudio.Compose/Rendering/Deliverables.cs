using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Rendering;

/// <summary>A file delivered with the film: its name under the job (poster.jpg, hls/master.m3u8, …), full path and media type.</summary>
public sealed record FilmFile(string Name, string Path, string MediaType);

/// <summary>What was written after the encode; optional outputs null when not asked for. Files lists every one of them.</summary>
public sealed record WrittenOutputs(string Poster, string? Sprite, string? Playlist, IReadOnlyList<FilmFile> Files);

/// <summary>
/// The files around the film: caption files (SRT, WebVTT, and ASS when burned in), title text files and the font the
/// filtergraph reads, and after the encode the poster, the thumbnail sprite and its WebVTT track, the audio-only
/// track and the HLS rendition (master playlist, media playlist, segments).
/// </summary>
public sealed class Deliverables(ComposeOptions options)
{
    /// <summary>The font drawtext and libass read, written into the job folder (relative name).</summary>
    public const string FontFile = "fonts/DejaVuSans-Bold.ttf";

    /// <summary>Every film says in its MP4 metadata (the comment tag, ©cmt) that it is AI-generated.</summary>
    public const string ProvenanceComment = "AI-generated (Ministudio)";

    /// <summary>The encode's metadata arguments, placed before the output name.</summary>
    public static readonly IReadOnlyList<string> ProvenanceArguments = ["-metadata", $"comment={ProvenanceComment}"];

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

    /// <summary>Poster, sprite (and its thumbnail track), audio-only track and HLS from film.mp4 in the job folder.</summary>
    public async Task<WrittenOutputs> WriteOutputsAsync(TimelineOutput output, MediaInfo film, string? srt, string? vtt, string folder, CancellationToken ct)
    {
        var filmDuration = film.DurationSeconds;
        var files = new List<FilmFile>();
        void Deliver(string name, string mediaType) => files.Add(new FilmFile(name, Path.Combine(folder, name), mediaType));
        var poster = Path.Combine(folder, "poster.jpg");
        var posterAt = Math.Min(output.PosterSeconds ?? filmDuration / 3, Math.Max(0, filmDuration - 2 / output.Fps));
        await Ffmpeg.RunAsync(["-threads", options.ThreadsArgument, .. ToolProcess.LocalOnly, "-ss", Ffmpeg.Number(posterAt), "-i", "film.mp4",
            "-frames:v", "1", "-q:v", "3", "-fs", options.MaxBytesArgument, "poster.jpg"], folder, 0, null, ct);
        Deliver("poster.jpg", "image/jpeg");
        if (srt is not null) Deliver("captions.srt", "application/x-subrip");
        if (vtt is not null) Deliver("captions.vtt", "text/vtt");

        string? sprite = null;
        if (output.Sprite is { } sheet)
        {
            var thumbnails = sheet.Columns * sheet.Rows;
            sprite = Path.Combine(folder, "sprite.jpg");
            await Ffmpeg.RunAsync(["-threads", options.ThreadsArgument, .. ToolProcess.LocalOnly, "-i", "film.mp4",
                "-vf", $"fps={Ffmpeg.Number(thumbnails / filmDuration)},scale={sheet.ThumbnailWidth}:-2,tile={sheet.Columns}x{sheet.Rows}",
                "-frames:v", "1", "-q:v", "4", "-fs", options.MaxBytesArgument, "sprite.jpg"], folder, 0, null, ct);
            var tiles = await Ffmpeg.ProbeAsync("sprite.jpg", folder, ct);
            await File.WriteAllTextAsync(Path.Combine(folder, "sprite.vtt"),
                Captions.ThumbnailTrack("sprite.jpg", sheet, tiles.Width / sheet.Columns, tiles.Height / sheet.Rows, filmDuration), ct);
            Deliver("sprite.jpg", "image/jpeg");
            Deliver("sprite.vtt", "text/vtt");
        }

        if (film.HasAudio)
        {
            // The film's own AAC stream, copied: the soundtrack alone, for podcasts and review.
            await Ffmpeg.RunAsync([.. ToolProcess.LocalOnly, "-i", "film.mp4", "-map", "0:a:0", "-c", "copy", "-movflags", "+faststart", "audio.m4a"], folder, 0, null, ct);
            Deliver("audio.m4a", "audio/mp4");
        }

        string? playlist = null;
        if (output.Hls is { } hls)
        {
            Directory.CreateDirectory(Path.Combine(folder, "hls"));
            playlist = Path.Combine(folder, "hls", "index.m3u8");
            await Ffmpeg.RunAsync([.. ToolProcess.LocalOnly, "-i", "film.mp4", "-c", "copy", "-f", "hls", "-hls_time", Ffmpeg.Number(hls.SegmentSeconds),
                "-hls_playlist_type", "vod", "-master_pl_name", "master.m3u8", "-hls_segment_filename", "hls/segment-%03d.ts", "hls/index.m3u8"], folder, 0, null, ct);
            Deliver("hls/master.m3u8", "application/vnd.apple.mpegurl");
            Deliver("hls/index.m3u8", "application/vnd.apple.mpegurl");
            foreach (var segment in Directory.GetFiles(Path.Combine(folder, "hls"), "segment-*.ts").Order(StringComparer.Ordinal))
                Deliver($"hls/{Path.GetFileName(segment)}", "video/mp2t");
        }
        return new WrittenOutputs(poster, sprite, playlist, files);
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
