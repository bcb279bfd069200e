using System.Globalization;
using System.Text;
using Ministudio.Compose.Audio;
using Ministudio.Contracts;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Rendering;

/// <summary>Everything one render wrote into the job folder; paths are absolute, optional outputs null when not asked for.</summary>
public sealed record RenderedFilm(
    string Path,
    double DurationSeconds,
    bool StreamCopied,
    IReadOnlyList<string> Arguments,
    string PosterPath,
    string? SpritePath,
    string? SrtPath,
    string? VttPath,
    string? HlsPlaylistPath);

/// <summary>A video or image clip with its source probed and its length settled.</summary>
public sealed record PlacedVisual(int Track, TimelineClip Clip, string Input, MediaInfo Info, double Length)
{
    public double End => Clip.Start + Length;
}

/// <summary>
/// Renders a timeline in the job folder. Assets are linked in under generated names (asset-000, …) and ffmpeg runs
/// with that folder as its working directory, so no name a user wrote ever reaches a command line, a concat list or a
/// filter. Eligible timelines (one track of back-to-back clips with identical codec parameters and nothing drawn on
/// them) are joined by stream copy; everything else is one filtergraph pass.
/// </summary>
public sealed class TimelineRenderer(ComposeOptions options, ISpeechSynthesizer? speech = null, IAudioMixer? mixer = null)
{
    private const double Tolerance = 0.001;
    private const string FontFile = "fonts/DejaVuSans-Bold.ttf";

    public async Task<RenderedFilm> RenderAsync(Timeline timeline, ArtifactStore artifacts, string folder, IProgress<double>? progress, CancellationToken ct)
    {
        var errors = TimelineValidator.Validate(timeline);
        if (errors.Count > 0)
            throw new CompositionException(errors[0].Code, string.Join("; ", errors.Select(e => $"{e.Code} at {e.Path}: {e.Message}")));

        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(options.MaxDuration);
        try
        {
            return await RenderValidAsync(timeline, artifacts, Path.GetFullPath(folder), progress, budget.Token);
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new CompositionException("compose.ffmpeg_failed", $"Composing ran past the {options.MaxDuration.TotalSeconds} s cap (Compose:MaxSeconds) and was stopped.", ex);
        }
    }

    private async Task<RenderedFilm> RenderValidAsync(Timeline timeline, ArtifactStore artifacts, string folder, IProgress<double>? progress, CancellationToken ct)
    {
        var output = timeline.Output;
        var assets = await LinkAssetsAsync(timeline, artifacts, folder, ct);

        var visuals = new List<PlacedVisual>();
        var titles = new List<(TimelineClip Clip, int Track)>();
        var narrations = new List<(TimelineClip Clip, SpeechClip Speech, double Length)>();
        var sounds = new List<TimelineClip>();
        var cues = new List<CaptionCue>();
        for (var t = 0; t < timeline.Tracks.Count; t++)
        {
            foreach (var clip in timeline.Tracks[t].Clips)
            {
                switch (clip.Type)
                {
                    case TimelineVocabulary.Video or TimelineVocabulary.Image:
                        visuals.Add(Place(t, clip, assets[clip.Asset!]));
                        break;
                    case TimelineVocabulary.Title or TimelineVocabulary.Text:
                        titles.Add((clip, t));
                        break;
                    case TimelineVocabulary.Caption:
                        cues.Add(new CaptionCue(clip.Start, clip.Start + clip.Length!.Value, clip.Text!, []));
                        break;
                    case TimelineVocabulary.Audio:
                        sounds.Add(clip);
                        break;
                    case TimelineVocabulary.Narration:
                        var spoken = await (speech ?? throw AudioUnavailable()).SynthesizeAsync(new SpeechRequest(clip.Text!, clip.Voice), folder, ct);
                        var length = clip.Length ?? spoken.DurationSeconds;
                        narrations.Add((clip, spoken, length));
                        cues.AddRange(Captions.FromSpeech(clip.Text!, clip.Start, length, spoken.Words));
                        break;
                }
            }
        }

        var duration = new[]
        {
            visuals.Max(v => v.End),
            titles.Select(t => t.Clip.Start + t.Clip.Length!.Value).DefaultIfEmpty().Max(),
            cues.Select(c => c.End).DefaultIfEmpty().Max(),
            narrations.Select(n => n.Clip.Start + n.Length).DefaultIfEmpty().Max(),
            sounds.Select(s => s.Start + (s.Length ?? assets[s.Asset!].Info.DurationSeconds - s.Trim)).DefaultIfEmpty().Max(),
        }.Max();
        if (duration > TimelineValidator.MaxSeconds) throw new CompositionException("timeline.too_long", $"The film would run {duration:0.#} s; at most {TimelineValidator.MaxSeconds} s.");

        cues.Sort((a, b) => a.Start.CompareTo(b.Start));
        string? srt = null, vtt = null;
        if (cues.Count > 0)
        {
            srt = Path.Combine(folder, "captions.srt");
            vtt = Path.Combine(folder, "captions.vtt");
            await File.WriteAllTextAsync(srt, Captions.ToSrt(cues), ct);
            await File.WriteAllTextAsync(vtt, Captions.ToWebVtt(cues), ct);
        }
        var burn = timeline.Captions is { Burn: true } && cues.Count > 0;
        if (burn) await File.WriteAllTextAsync(Path.Combine(folder, "captions.ass"), Captions.ToAss(cues, timeline.Captions!, output.Width, output.Height), ct);
        if (burn || titles.Count > 0) await WriteFontAsync(folder, ct);
        for (var i = 0; i < titles.Count; i++) await File.WriteAllTextAsync(Path.Combine(folder, $"title-{i:000}.txt"), titles[i].Clip.Text, ct);

        // A video clip's own sound is heard unless muted; a copied film keeps it as it is when nothing else is heard.
        var otherAudio = narrations.Count > 0 || sounds.Count > 0 || timeline.Soundtrack is not null;
        var heard = visuals.Where(v => v.Clip.Type == TimelineVocabulary.Video && v.Info.HasAudio && v.Clip.Volume > 0).ToList();
        var copyClipAudio = heard.Count > 0 && !otherAudio;
        var streamCopy = CanStreamCopy(timeline, visuals, burn) && (heard.Count == 0 || SameAudio(visuals))
            && !(copyClipAudio && visuals.Any(v => v.Clip.Volume != 1));

        string? audio = null;
        IReadOnlyList<PlacedAudio> clipSounds = [];
        if (!(streamCopy && copyClipAudio))
        {
            clipSounds = await ExtractClipAudioAsync(heard, visuals, folder, ct);
            if (otherAudio || (clipSounds.Count > 0 && mixer is not null))
                audio = await MixAsync(timeline, assets, narrations, sounds, clipSounds, duration, folder, ct);
        }

        var film = Path.Combine(folder, "film.mp4");
        var arguments = streamCopy
            ? await StreamCopyArgumentsAsync(visuals, audio, copyClipAudio, folder, ct)
            : EncodeArguments(timeline, visuals, titles.Select(t => t.Clip).ToList(), burn, audio, duration, audio is null ? clipSounds : []);
        await Ffmpeg.RunAsync(arguments, folder, duration, progress, ct);
        var filmDuration = (await Ffmpeg.ProbeAsync("film.mp4", folder, ct)).DurationSeconds;

        var poster = Path.Combine(folder, "poster.jpg");
        var posterAt = Math.Min(output.PosterSeconds ?? filmDuration / 3, Math.Max(0, filmDuration - 2 / output.Fps));
        await Ffmpeg.RunAsync(["-threads", Threads, .. Ffmpeg.LocalOnly, "-ss", Ffmpeg.Number(posterAt), "-i", "film.mp4",
            "-frames:v", "1", "-q:v", "3", "-fs", MaxBytes, "poster.jpg"], folder, 0, null, ct);

        string? sprite = null;
        if (output.Sprite is { } sheet)
        {
            var thumbnails = sheet.Columns * sheet.Rows;
            sprite = Path.Combine(folder, "sprite.jpg");
            await Ffmpeg.RunAsync(["-threads", Threads, .. Ffmpeg.LocalOnly, "-i", "film.mp4",
                "-vf", $"fps={Ffmpeg.Number(thumbnails / filmDuration)},scale={sheet.ThumbnailWidth}:-2,tile={sheet.Columns}x{sheet.Rows}",
                "-frames:v", "1", "-q:v", "4", "-fs", MaxBytes, "sprite.jpg"], folder, 0, null, ct);
        }

        string? playlist = null;
        if (output.Hls is { } hls)
        {
            Directory.CreateDirectory(Path.Combine(folder, "hls"));
            playlist = Path.Combine(folder, "hls", "index.m3u8");
            await Ffmpeg.RunAsync([.. Ffmpeg.LocalOnly, "-i", "film.mp4", "-c", "copy", "-f", "hls", "-hls_time", Ffmpeg.Number(hls.SegmentSeconds),
                "-hls_playlist_type", "vod", "-hls_segment_filename", "hls/segment-%03d.ts", "hls/index.m3u8"], folder, 0, null, ct);
        }

        progress?.Report(1);
        return new RenderedFilm(film, filmDuration, streamCopy, arguments, poster, sprite, srt, vtt, playlist);
    }

    /// <summary>
    /// Stream copy keeps every frame as it was encoded, so it is only right when nothing would change a pixel: one track
    /// of whole video clips laid back to back from 0, identical codec parameters, already at the output's size and rate.
    /// </summary>
    public static bool CanStreamCopy(Timeline timeline, IReadOnlyList<PlacedVisual> visuals, bool burnCaptions)
    {
        if (burnCaptions || timeline.Tracks.Any(track => track.Clips.Any(clip => TimelineVocabulary.IsTitle(clip.Type)))) return false;
        if (visuals.Select(v => v.Track).Distinct().Count() != 1) return false;
        var first = visuals[0].Info;
        var end = 0.0;
        foreach (var visual in visuals.OrderBy(v => v.Clip.Start))
        {
            var clip = visual.Clip;
            var info = visual.Info;
            if (clip.Type != TimelineVocabulary.Video || clip.Transition is not null || clip.Motion is not null || clip.Trim > 0
                || clip.Opacity < 1 || clip.Scale < 1 || Math.Abs(visual.Length - info.DurationSeconds) > 1 / timeline.Output.Fps
                || Math.Abs(clip.Start - end) > Tolerance)
                return false;
            if ((info.Codec, info.Width, info.Height, info.PixelFormat, info.FrameRate, info.TimeBase) != (first.Codec, first.Width, first.Height, first.PixelFormat, first.FrameRate, first.TimeBase))
                return false;
            end = visual.End;
        }
        return first.Width == timeline.Output.Width && first.Height == timeline.Output.Height && Math.Abs(first.FramesPerSecond - timeline.Output.Fps) < 0.01;
    }

    /// <summary>Every clip has a sound track and all of them share codec, sample rate and channels: concat can copy them.</summary>
    private static bool SameAudio(IReadOnlyList<PlacedVisual> visuals) =>
        visuals.All(v => v.Info.HasAudio) && visuals.Select(v => v.Info.AudioFormat).Distinct().Count() == 1;

    /// <summary>
    /// The concat demuxer in safe mode (no absolute paths, no protocols, no names starting with a dot) reading only
    /// files: even a list that is not ours could not name anything outside the job folder.
    /// </summary>
    public static readonly IReadOnlyList<string> ConcatInput = ["-f", "concat", "-safe", "1", .. Ffmpeg.LocalOnly];

    /// <summary>The concat demuxer over a list this code writes: generated relative names only, safe mode on.</summary>
    private async Task<IReadOnlyList<string>> StreamCopyArgumentsAsync(IReadOnlyList<PlacedVisual> visuals, string? audio, bool copyClipAudio, string folder, CancellationToken ct)
    {
        var list = new StringBuilder("ffconcat version 1.0\n");
        foreach (var visual in visuals.OrderBy(v => v.Clip.Start)) list.Append(CultureInfo.InvariantCulture, $"file {visual.Input}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "concat.txt"), list.ToString(), ct);
        List<string> arguments = ["-threads", Threads, .. ConcatInput, "-i", "concat.txt"];
        if (audio is not null) arguments.AddRange([.. Ffmpeg.LocalOnly, "-i", audio]);
        arguments.AddRange(["-map", "0:v:0", "-c:v", "copy"]);
        if (audio is not null) arguments.AddRange(["-map", "1:a:0", "-c:a", "aac", "-b:a", "192k"]);
        else if (copyClipAudio) arguments.AddRange(["-map", "0:a:0", "-c:a", "copy"]);
        arguments.AddRange(["-movflags", "+faststart", "-fs", MaxBytes, "film.mp4"]);
        return arguments;
    }

    /// <summary>
    /// One pass: every visual clip is fitted to the frame (or its picture-in-picture box), moved, faded and made
    /// translucent; clips of a track are chained with xfade (transition), concat (back to back) or transparent padding
    /// (gaps); tracks are overlaid in order on a black canvas; titles and burned captions are drawn on top. The sound is
    /// the mixed track when there is one; otherwise the clips' own sounds are placed (adelay) and summed (amix) here.
    /// </summary>
    public IReadOnlyList<string> EncodeArguments(Timeline timeline, IReadOnlyList<PlacedVisual> visuals, IReadOnlyList<TimelineClip> titles, bool burnCaptions,
        string? audio, double duration, IReadOnlyList<PlacedAudio>? unmixedSounds = null)
    {
        var output = timeline.Output;
        var fps = Ffmpeg.Number(output.Fps);
        var arguments = new List<string> { "-threads", Threads, "-filter_complex_threads", Threads };
        var graph = new List<string> { $"color=c=black:s={output.Width}x{output.Height}:r={fps}:d={Ffmpeg.Number(duration)},format=yuv420p[canvas]" };
        for (var i = 0; i < visuals.Count; i++)
        {
            var visual = visuals[i];
            if (visual.Clip.Type == TimelineVocabulary.Image)
                arguments.AddRange(["-f", "image2", "-loop", "1", "-framerate", fps, "-t", Ffmpeg.Number(visual.Length), .. Ffmpeg.LocalOnly, "-i", visual.Input]);
            else
            {
                if (visual.Clip.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(visual.Clip.Trim)]);
                arguments.AddRange(["-t", Ffmpeg.Number(visual.Length), .. Ffmpeg.LocalOnly, "-i", visual.Input]);
            }
            graph.Add(ClipFilter(i, visual, output));
        }

        if (audio is not null) arguments.AddRange([.. Ffmpeg.LocalOnly, "-i", audio]);
        var unmixed = audio is null ? unmixedSounds ?? [] : [];
        if (unmixed.Count > 0)
        {
            var placed = new StringBuilder();
            for (var k = 0; k < unmixed.Count; k++)
            {
                arguments.AddRange([.. Ffmpeg.LocalOnly, "-i", Path.GetFileName(unmixed[k].Path)]);
                var delay = (long)Math.Round(unmixed[k].StartSeconds * 1000);
                graph.Add($"[{visuals.Count + k}:a]volume={Ffmpeg.Number(unmixed[k].Volume)},adelay=delays={delay}:all=1[s{k}]");
                placed.Append(CultureInfo.InvariantCulture, $"[s{k}]");
            }
            graph.Add($"{placed}amix=inputs={unmixed.Count}:duration=longest:normalize=0,apad[audio]");
        }

        var layer = "canvas";
        foreach (var track in visuals.Select((visual, index) => (visual, index)).GroupBy(entry => entry.visual.Track).OrderBy(group => group.Key))
        {
            var ordered = track.OrderBy(entry => entry.visual.Clip.Start).ToList();
            var chain = $"c{ordered[0].index}";
            var start = ordered[0].visual.Clip.Start;
            var end = ordered[0].visual.End;
            for (var k = 1; k < ordered.Count; k++)
            {
                var (next, index) = ordered[k];
                var joined = $"t{track.Key}j{k}";
                if (next.Clip.Transition is { } transition)
                {
                    if (Math.Abs(end - next.Clip.Start - transition.Duration) > Tolerance)
                        throw new CompositionException("timeline.transition_overlap", $"A clip on track {track.Key} must start {transition.Duration} s before the previous one ends.");
                    graph.Add($"[{chain}][c{index}]xfade=transition={transition.Type}:duration={Ffmpeg.Number(transition.Duration)}:offset={Ffmpeg.Number(next.Clip.Start - start)}[{joined}]");
                }
                else if (next.Clip.Start < end - Tolerance)
                    throw new CompositionException("timeline.overlap", $"Clips on track {track.Key} overlap without a transition.");
                else if (next.Clip.Start > end + Tolerance)
                    graph.Add($"[{chain}]tpad=stop_mode=add:stop_duration={Ffmpeg.Number(next.Clip.Start - end)}:color=black@0[{joined}p];[{joined}p][c{index}]concat=n=2:v=1:a=0[{joined}]");
                else
                    graph.Add($"[{chain}][c{index}]concat=n=2:v=1:a=0[{joined}]");
                chain = joined;
                end = next.End;
            }
            graph.Add($"[{chain}]setpts=PTS+{Ffmpeg.Number(start)}/TB[track{track.Key}];[{layer}][track{track.Key}]overlay=eof_action=pass:format=auto[layer{track.Key}]");
            layer = $"layer{track.Key}";
        }

        var top = new List<string>();
        for (var i = 0; i < titles.Count; i++) top.Add(TitleFilter(i, titles[i], output));
        if (burnCaptions) top.Add("subtitles=filename=captions.ass:fontsdir=fonts");
        top.Add("format=yuv420p");
        graph.Add($"[{layer}]{string.Join(',', top)}[video]");

        arguments.AddRange(["-filter_complex", string.Join(';', graph), "-map", "[video]"]);
        if (audio is not null) arguments.AddRange(["-map", $"{visuals.Count}:a:0", "-c:a", "aac", "-b:a", "192k"]);
        else if (unmixed.Count > 0) arguments.AddRange(["-map", "[audio]", "-c:a", "aac", "-b:a", "192k"]);
        var quality = Quality.Of(output);
        arguments.AddRange(["-c:v", "libx264", "-preset", quality.Preset, "-crf", quality.Crf.ToString(CultureInfo.InvariantCulture),
            "-maxrate", $"{quality.MaxrateKbps}k", "-bufsize", $"{quality.MaxrateKbps * 2}k", "-pix_fmt", "yuv420p", "-r", fps]);
        // HLS segments can only start on key frames: put one at every segment boundary.
        if (output.Hls is { } hls) arguments.AddRange(["-force_key_frames", $"expr:gte(t,n_forced*{Ffmpeg.Number(hls.SegmentSeconds)})"]);
        arguments.AddRange(["-t", Ffmpeg.Number(duration), "-movflags", "+faststart", "-fs", MaxBytes, "film.mp4"]);
        return arguments;
    }

    /// <summary>[i:v] → fitted, moved, translucent, exactly Length long, on the shared time base → [ci].</summary>
    private static string ClipFilter(int i, PlacedVisual visual, TimelineOutput output)
    {
        var clip = visual.Clip;
        var fps = Ffmpeg.Number(output.Fps);
        var boxWidth = Even(output.Width * clip.Scale);
        var boxHeight = Even(output.Height * clip.Scale);
        var cover = $"scale={boxWidth}:{boxHeight}:force_original_aspect_ratio=increase,crop={boxWidth}:{boxHeight}";
        var contain = $"scale={boxWidth}:{boxHeight}:force_original_aspect_ratio=decrease";
        var sourceAspect = visual.Info.Height > 0 ? (double)visual.Info.Width / visual.Info.Height : 1;
        var aspectGap = Math.Abs(Math.Log(sourceAspect / ((double)boxWidth / boxHeight)));
        var fit = clip.Fit switch
        {
            "pad" => $"{contain},pad={boxWidth}:{boxHeight}:(ow-iw)/2:(oh-ih)/2:color=black",
            // Smart: a near match is cropped (little is lost); otherwise the picture sits whole on a blurred copy of itself.
            "smart" when aspectGap > 0.15 => $"split[a{i}][b{i}];[a{i}]{cover},boxblur=20:2[bg{i}];[b{i}]{contain}[fg{i}];[bg{i}][fg{i}]overlay=(W-w)/2:(H-h)/2",
            _ => cover,
        };
        var filters = new List<string> { "setpts=PTS-STARTPTS", $"fps={fps}", fit, "setsar=1" };
        if (clip.Motion is { } motion && (motion.Zoom != "none" || motion.Pan != "none") && motion.Amount > 0)
            filters.Add(KenBurns(motion, visual.Length, output.Fps, boxWidth, boxHeight));
        filters.Add("format=yuva420p");
        if (clip.Scale < 1)
        {
            var (x, y) = Place(clip.Position, output.Width, output.Height, boxWidth, boxHeight);
            filters.Add($"pad={output.Width}:{output.Height}:{x}:{y}:color=black@0");
        }
        if (clip.Opacity < 1) filters.Add($"colorchannelmixer=aa={Ffmpeg.Number(clip.Opacity)}");
        filters.Add($"trim=duration={Ffmpeg.Number(visual.Length)}");
        filters.Add("settb=AVTB");
        filters.Add("setpts=PTS-STARTPTS");
        return $"[{i}:v]{string.Join(',', filters)}[c{i}]";
    }

    /// <summary>zoompan one output frame per input frame: zoom grows (in) or shrinks (out) linearly, the window pans.</summary>
    public static string KenBurns(KenBurns motion, double length, double fps, int width, int height)
    {
        var frames = Math.Max(1, (int)Math.Round(length * fps));
        var a = Ffmpeg.Number(motion.Amount);
        var progress = $"on/{frames}";
        var zoom = motion.Zoom switch
        {
            "in" => $"1+{a}*{progress}",
            "out" => $"1+{a}-{a}*{progress}",
            _ => $"1+{a}",
        };
        var x = motion.Pan switch
        {
            "right" => $"(iw-iw/zoom)*{progress}",
            "left" => $"(iw-iw/zoom)*(1-{progress})",
            _ => "(iw-iw/zoom)/2",
        };
        var y = motion.Pan switch
        {
            "down" => $"(ih-ih/zoom)*{progress}",
            "up" => $"(ih-ih/zoom)*(1-{progress})",
            _ => "(ih-ih/zoom)/2",
        };
        return $"zoompan=z='{zoom}':x='{x}':y='{y}':d=1:s={width}x{height}:fps={Ffmpeg.Number(fps)}";
    }

    /// <summary>drawtext from a text file this code wrote (textfile, expansion off): the words never meet the filter parser.</summary>
    private static string TitleFilter(int i, TimelineClip title, TimelineOutput output)
    {
        var lowerThird = title.Style == "lower-third";
        var size = title.FontSize ?? (lowerThird ? output.Height / 18 : output.Height / 10);
        var colour = "0x" + (title.Colour ?? "#FFFFFF")[1..];
        var start = Ffmpeg.Number(title.Start);
        var end = Ffmpeg.Number(title.Start + title.Length!.Value);
        var margin = Even(Math.Min(output.Width, output.Height) * 0.06);
        var (x, y) = lowerThird
            ? ($"{margin}", $"h-{Even(output.Height * 0.12)}-text_h")
            : title.Position switch
            {
                "top" => ("(w-text_w)/2", $"{margin}"),
                "bottom" => ("(w-text_w)/2", $"h-{margin}-text_h"),
                "left" => ($"{margin}", "(h-text_h)/2"),
                "right" => ($"w-{margin}-text_w", "(h-text_h)/2"),
                "top-left" => ($"{margin}", $"{margin}"),
                "top-right" => ($"w-{margin}-text_w", $"{margin}"),
                "bottom-left" => ($"{margin}", $"h-{margin}-text_h"),
                "bottom-right" => ($"w-{margin}-text_w", $"h-{margin}-text_h"),
                _ => ("(w-text_w)/2", "(h-text_h)/2"),
            };
        // Fades in and out over a quarter second (or less for short titles).
        var fade = Ffmpeg.Number(Math.Min(0.25, title.Length.Value / 4));
        var alpha = $"{Ffmpeg.Number(title.Opacity)}*min(1,min((t-{start})/{fade},({end}-t)/{fade}))";
        var box = lowerThird ? $":box=1:boxcolor=black@0.55:boxborderw={Even(size * 0.5)}" : ":borderw=2:bordercolor=black@0.6";
        return $"drawtext=fontfile={FontFile}:textfile=title-{i:000}.txt:expansion=none:fontsize={size}:fontcolor={colour}{box}:x={x}:y={y}:alpha='{alpha}':enable='between(t,{start},{end})'";
    }

    private static (int X, int Y) Place(string position, int width, int height, int boxWidth, int boxHeight)
    {
        var margin = Even(Math.Min(width, height) * 0.04);
        var x = position.Contains("left") ? margin : position.Contains("right") ? width - boxWidth - margin : (width - boxWidth) / 2;
        var y = position.StartsWith("top") ? margin : position.StartsWith("bottom") ? height - boxHeight - margin : (height - boxHeight) / 2;
        return (x, y);
    }

    private async Task<string> MixAsync(Timeline timeline, IReadOnlyDictionary<string, LinkedAsset> assets,
        IReadOnlyList<(TimelineClip Clip, SpeechClip Speech, double Length)> narrations, IReadOnlyList<TimelineClip> sounds,
        IReadOnlyList<PlacedAudio> clipSounds, double duration, string folder, CancellationToken ct)
    {
        var audioMixer = mixer ?? throw AudioUnavailable();
        var placedSounds = new List<PlacedAudio>(clipSounds);
        for (var i = 0; i < sounds.Count; i++)
        {
            var sound = sounds[i];
            var input = assets[sound.Asset!].Input;
            if (sound.Trim > 0 || sound.Length is not null)
            {
                // The mix takes whole files: cut the part the clip plays first.
                var cut = $"sound-{i:000}.wav";
                List<string> arguments = ["-threads", Threads];
                if (sound.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(sound.Trim)]);
                if (sound.Length is { } length) arguments.AddRange(["-t", Ffmpeg.Number(length)]);
                arguments.AddRange([.. Ffmpeg.LocalOnly, "-i", input, "-vn", "-ac", "2", "-ar", "48000", "-fs", MaxBytes, cut]);
                await Ffmpeg.RunAsync(arguments, folder, 0, null, ct);
                input = cut;
            }
            placedSounds.Add(new PlacedAudio(Path.Combine(folder, input), sound.Start, sound.Volume));
        }
        var music = timeline.Soundtrack is { } bed
            ? new MusicBed(Path.Combine(folder, assets[bed.Asset].Input), bed.Volume, bed.FadeInSeconds, bed.FadeOutSeconds, bed.Duck)
            : null;
        var mix = new AudioMix(duration, narrations.Select(n => new PlacedAudio(n.Speech.Path, n.Clip.Start)).ToList(), placedSounds, music);
        var mixed = await audioMixer.MixAsync(mix, folder, null, ct);
        var relative = Path.GetRelativePath(folder, Path.GetFullPath(mixed.Path));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            throw new CompositionException("compose.audio_failed", "The audio mixer wrote its track outside the job folder.");
        return relative;
    }

    /// <summary>
    /// Cuts each heard video clip's sound to the part its picture plays (trim, length) as 48 kHz stereo WAV, to be placed
    /// at the clip's start. Across a transition the outgoing sound fades out and the incoming one fades in (afade) over
    /// the transition's duration, so the two overlap as a crossfade.
    /// </summary>
    private async Task<IReadOnlyList<PlacedAudio>> ExtractClipAudioAsync(IReadOnlyList<PlacedVisual> heard, IReadOnlyList<PlacedVisual> visuals, string folder, CancellationToken ct)
    {
        var placed = new List<PlacedAudio>();
        for (var i = 0; i < heard.Count; i++)
        {
            var visual = heard[i];
            var clip = visual.Clip;
            var fades = new List<string>();
            if (clip.Transition is { } incoming) fades.Add($"afade=t=in:d={Ffmpeg.Number(incoming.Duration)}");
            var outgoing = visuals.FirstOrDefault(v => v.Track == visual.Track && v.Clip.Transition is { } t && Math.Abs(v.Clip.Start + t.Duration - visual.End) < Tolerance);
            if (outgoing?.Clip.Transition is { } next)
                fades.Add($"afade=t=out:st={Ffmpeg.Number(visual.Length - next.Duration)}:d={Ffmpeg.Number(next.Duration)}");

            var cut = $"clip-audio-{i:000}.wav";
            List<string> arguments = ["-threads", Threads];
            if (clip.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(clip.Trim)]);
            arguments.AddRange(["-t", Ffmpeg.Number(visual.Length), .. Ffmpeg.LocalOnly, "-i", visual.Input, "-map", "0:a:0", "-vn"]);
            if (fades.Count > 0) arguments.AddRange(["-af", string.Join(',', fades)]);
            arguments.AddRange(["-ac", "2", "-ar", "48000", "-fs", MaxBytes, cut]);
            await Ffmpeg.RunAsync(arguments, folder, 0, null, ct);
            placed.Add(new PlacedAudio(Path.Combine(folder, cut), clip.Start, clip.Volume));
        }
        return placed;
    }

    /// <summary>A stored asset linked into the job folder under a generated name, with what ffprobe says about it.</summary>
    private sealed record LinkedAsset(string Input, MediaInfo Info);

    private static async Task<Dictionary<string, LinkedAsset>> LinkAssetsAsync(Timeline timeline, ArtifactStore artifacts, string folder, CancellationToken ct)
    {
        var images = timeline.Tracks.SelectMany(t => t.Clips).Where(c => c.Type == TimelineVocabulary.Image).Select(c => c.Asset!).ToHashSet();
        var hashes = timeline.Tracks.SelectMany(t => t.Clips).Select(c => c.Asset)
            .OfType<string>().Where(TimelineValidator.IsHash)
            .Concat(timeline.Soundtrack is { } music ? [music.Asset] : [])
            .Distinct().ToList();
        var linked = new Dictionary<string, LinkedAsset>(StringComparer.Ordinal);
        foreach (var hash in hashes)
        {
            if (!artifacts.Contains(hash)) throw new CompositionException("compose.clip_missing", $"Asset {hash} is not in the artifact store.");
            var name = $"asset-{linked.Count:000}";
            File.CreateSymbolicLink(Path.Combine(folder, name), artifacts.PathOf(hash));
            var info = await Ffmpeg.ProbeAsync(name, folder, ct);
            if (images.Contains(hash))
            {
                // The image2 demuxer (which can loop a still) knows the codec by the name's extension.
                var extension = info.Codec switch
                {
                    "png" => "png",
                    "mjpeg" => "jpg",
                    "webp" => "webp",
                    "bmp" => "bmp",
                    "tiff" => "tiff",
                    _ => throw new CompositionException("compose.unsupported_image", $"Asset {hash} is not a PNG, JPEG, WebP, BMP or TIFF image."),
                };
                name = $"{name}.{extension}";
                File.CreateSymbolicLink(Path.Combine(folder, name), artifacts.PathOf(hash));
            }
            linked[hash] = new LinkedAsset(name, info);
        }
        return linked;
    }

    private static PlacedVisual Place(int track, TimelineClip clip, LinkedAsset asset)
    {
        if (clip.Type == TimelineVocabulary.Video)
        {
            if (!asset.Info.HasVideo) throw new CompositionException("compose.not_video", $"Asset {clip.Asset} has no video stream.");
            var available = asset.Info.DurationSeconds - clip.Trim;
            var length = clip.Length ?? available;
            if (length <= 0 || available < length - 0.05)
                throw new CompositionException("compose.clip_too_short", $"Asset {clip.Asset} runs {asset.Info.DurationSeconds:0.###} s; the clip needs {clip.Trim + length:0.###} s.");
            return new PlacedVisual(track, clip, asset.Input, asset.Info, length);
        }
        return new PlacedVisual(track, clip, asset.Input, asset.Info, clip.Length!.Value);
    }

    private static async Task WriteFontAsync(string folder, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(folder, "fonts"));
        await using var font = typeof(TimelineRenderer).Assembly.GetManifestResourceStream("Ministudio.Compose.Fonts.DejaVuSans-Bold.ttf")
            ?? throw new InvalidOperationException("The caption font is not embedded in Ministudio.Compose.");
        await using var file = File.Create(Path.Combine(folder, FontFile));
        await font.CopyToAsync(file, ct);
    }

    private static CompositionException AudioUnavailable() =>
        new("compose.audio_unavailable", "This timeline has narration, audio or a soundtrack, but no speech synthesizer or audio mixer is configured.");

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);

    private string Threads => options.Threads.ToString(CultureInfo.InvariantCulture);

    private string MaxBytes => options.MaxOutputBytes.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The compression presets: x264 speed, constant quality, and a bitrate ceiling per resolution.</summary>
public sealed record Quality(string Preset, int Crf, int MaxrateKbps)
{
    public static Quality Of(TimelineOutput output) => (output.Quality, output.Resolution) switch
    {
        ("draft", 1080) => new("veryfast", 28, 4500),
        ("draft", _) => new("veryfast", 28, 2500),
        ("high", 1080) => new("medium", 18, 12000),
        ("high", _) => new("medium", 18, 8000),
        (_, 1080) => new("faster", 22, 8000),
        _ => new("faster", 22, 5000),
    };
}
