using System.Globalization;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Rendering;

/// <summary>The one-pass encode: a filtergraph that fits, moves, fades and layers every clip and draws titles on top.</summary>
public static class FilterGraph
{
    /// <summary>
    /// One pass: every visual clip is fitted to the frame (or its picture-in-picture box), moved, faded and made
    /// translucent; clips of a track are chained with xfade (transition), concat (back to back) or transparent padding
    /// (gaps); tracks are overlaid in order on a black canvas; titles and burned captions are drawn on top. The sound is
    /// the mixed track when there is one.
    /// </summary>
    public static IReadOnlyList<string> EncodeArguments(Timeline timeline, IReadOnlyList<PlacedVisual> visuals, IReadOnlyList<TimelineClip> titles, bool burnCaptions,
        string? audio, double duration, ComposeOptions options)
    {
        var output = timeline.Output;
        var fps = Ffmpeg.Number(output.Fps);
        var arguments = new List<string> { "-threads", options.ThreadsArgument, "-filter_complex_threads", options.ThreadsArgument };
        var graph = new List<string> { $"color=c=black:s={output.Width}x{output.Height}:r={fps}:d={Ffmpeg.Number(duration)},format=yuv420p[canvas]" };
        for (var i = 0; i < visuals.Count; i++)
        {
            var visual = visuals[i];
            if (visual.Clip.Type == TimelineVocabulary.Image)
                arguments.AddRange(["-f", "image2", "-loop", "1", "-framerate", fps, "-t", Ffmpeg.Number(visual.Length), .. ToolProcess.LocalOnly, "-i", visual.Input]);
            else
            {
                if (visual.Clip.Trim > 0) arguments.AddRange(["-ss", Ffmpeg.Number(visual.Clip.Trim)]);
                arguments.AddRange(["-t", Ffmpeg.Number(visual.Length), .. ToolProcess.LocalOnly, "-i", visual.Input]);
            }
            graph.Add(ClipFilter(i, visual, output));
        }

        if (audio is not null) arguments.AddRange([.. ToolProcess.LocalOnly, "-i", audio]);

        var layer = LayerTracks(visuals, graph);

        var top = new List<string>();
        for (var i = 0; i < titles.Count; i++) top.Add(TitleFilter(i, titles[i], output));
        if (burnCaptions) top.Add("subtitles=filename=captions.ass:fontsdir=fonts");
        top.Add("format=yuv420p");
        graph.Add($"[{layer}]{string.Join(',', top)}[video]");

        arguments.AddRange(["-filter_complex", string.Join(';', graph), "-map", "[video]"]);
        if (audio is not null) arguments.AddRange(["-map", $"{visuals.Count}:a:0", "-c:a", "aac", "-b:a", "192k"]);
        var quality = Quality.Of(output);
        arguments.AddRange(["-c:v", "libx264", "-preset", quality.Preset, "-crf", quality.Crf.ToString(CultureInfo.InvariantCulture),
            "-maxrate", $"{quality.MaxrateKbps}k", "-bufsize", $"{quality.MaxrateKbps * 2}k", "-pix_fmt", "yuv420p", "-r", fps]);
        // HLS segments can only start on key frames: put one at every segment boundary.
        if (output.Hls is { } hls) arguments.AddRange(["-force_key_frames", $"expr:gte(t,n_forced*{Ffmpeg.Number(hls.SegmentSeconds)})"]);
        arguments.AddRange(["-t", Ffmpeg.Number(duration), .. Deliverables.ProvenanceArguments, "-movflags", "+faststart", "-fs", options.MaxBytesArgument, "film.mp4"]);
        return arguments;
    }

    /// <summary>
    /// Chains the clips of each track (xfade on a transition, transparent padding over a gap, concat back to back) and
    /// overlays the tracks in order on the canvas; returns the label of the top layer.
    /// </summary>
    private static string LayerTracks(IReadOnlyList<PlacedVisual> visuals, List<string> graph)
    {
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
                    if (Math.Abs(end - next.Clip.Start - transition.Duration) > TimelinePlan.Tolerance)
                        throw new CompositionException("timeline.transition_overlap", $"A clip on track {track.Key} must start {transition.Duration} s before the previous one ends.");
                    graph.Add($"[{chain}][c{index}]xfade=transition={transition.Type}:duration={Ffmpeg.Number(transition.Duration)}:offset={Ffmpeg.Number(next.Clip.Start - start)}[{joined}]");
                }
                else if (next.Clip.Start < end - TimelinePlan.Tolerance)
                    throw new CompositionException("timeline.overlap", $"Clips on track {track.Key} overlap without a transition.");
                else if (next.Clip.Start > end + TimelinePlan.Tolerance)
                    graph.Add($"[{chain}]tpad=stop_mode=add:stop_duration={Ffmpeg.Number(next.Clip.Start - end)}:color=black@0[{joined}p];[{joined}p][c{index}]concat=n=2:v=1:a=0[{joined}]");
                else
                    graph.Add($"[{chain}][c{index}]concat=n=2:v=1:a=0[{joined}]");
                chain = joined;
                end = next.End;
            }
            graph.Add($"[{chain}]setpts=PTS+{Ffmpeg.Number(start)}/TB[track{track.Key}];[{layer}][track{track.Key}]overlay=eof_action=pass:format=auto[layer{track.Key}]");
            layer = $"layer{track.Key}";
        }
        return layer;
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
        if (ColourGrades.FilterOf(clip.Grade) is { } grade) filters.Add(grade);
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
        return $"drawtext=fontfile={Deliverables.FontFile}:textfile=title-{i:000}.txt:expansion=none:fontsize={size}:fontcolor={colour}{box}:x={x}:y={y}:alpha='{alpha}':enable='between(t,{start},{end})'";
    }

    private static (int X, int Y) Place(string position, int width, int height, int boxWidth, int boxHeight)
    {
        var margin = Even(Math.Min(width, height) * 0.04);
        var x = position.Contains("left") ? margin : position.Contains("right") ? width - boxWidth - margin : (width - boxWidth) / 2;
        var y = position.StartsWith("top") ? margin : position.StartsWith("bottom") ? height - boxHeight - margin : (height - boxHeight) / 2;
        return (x, y);
    }

    private static int Even(double value) => Math.Max(2, (int)Math.Round(value / 2) * 2);
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
