using System.Globalization;
using System.Text;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;

namespace Ministudio.Compose.Rendering;

/// <summary>Joining clips without re-encoding them: when it is right, and the ffmpeg arguments that do it.</summary>
public static class StreamCopy
{
    /// <summary>
    /// Stream copy keeps every frame as it was encoded, so it is only right when nothing would change a pixel: one track
    /// of whole video clips laid back to back from 0, identical codec parameters, already at the output's size and rate.
    /// </summary>
    public static bool IsPossible(Timeline timeline, IReadOnlyList<PlacedVisual> visuals, bool burnCaptions)
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
                || clip.Opacity < 1 || clip.Scale < 1 || ColourGrades.FilterOf(clip.Grade) is not null || Math.Abs(visual.Length - info.DurationSeconds) > 1 / timeline.Output.Fps
                || Math.Abs(clip.Start - end) > TimelinePlan.Tolerance)
                return false;
            if ((info.Codec, info.Width, info.Height, info.PixelFormat, info.FrameRate, info.TimeBase) != (first.Codec, first.Width, first.Height, first.PixelFormat, first.FrameRate, first.TimeBase))
                return false;
            end = visual.End;
        }
        return first.Width == timeline.Output.Width && first.Height == timeline.Output.Height && Math.Abs(first.FramesPerSecond - timeline.Output.Fps) < 0.01;
    }

    /// <summary>Every clip has a sound track and all of them share codec, sample rate and channels: concat can copy them.</summary>
    public static bool SameAudio(IReadOnlyList<PlacedVisual> visuals) =>
        visuals.All(v => v.Info.HasAudio) && visuals.Select(v => v.Info.AudioFormat).Distinct().Count() == 1;

    /// <summary>
    /// The concat demuxer in safe mode (no absolute paths, no protocols, no names starting with a dot) reading only
    /// files: even a list that is not ours could not name anything outside the job folder.
    /// </summary>
    public static readonly IReadOnlyList<string> ConcatInput = ["-f", "concat", "-safe", "1", .. ToolProcess.LocalOnly];

    /// <summary>The concat demuxer over a list this code writes: generated relative names only, safe mode on.</summary>
    public static async Task<IReadOnlyList<string>> ArgumentsAsync(IReadOnlyList<PlacedVisual> visuals, string? audio, bool copyClipAudio, ComposeOptions options, string folder, CancellationToken ct)
    {
        var list = new StringBuilder("ffconcat version 1.0\n");
        foreach (var visual in visuals.OrderBy(v => v.Clip.Start)) list.Append(CultureInfo.InvariantCulture, $"file {visual.Input}\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "concat.txt"), list.ToString(), ct);
        List<string> arguments = ["-threads", options.ThreadsArgument, .. ConcatInput, "-i", "concat.txt"];
        if (audio is not null) arguments.AddRange([.. ToolProcess.LocalOnly, "-i", audio]);
        arguments.AddRange(["-map", "0:v:0", "-c:v", "copy"]);
        if (audio is not null) arguments.AddRange(["-map", "1:a:0", "-c:a", "aac", "-b:a", "192k"]);
        else if (copyClipAudio) arguments.AddRange(["-map", "0:a:0", "-c:a", "copy"]);
        arguments.AddRange([.. Deliverables.ProvenanceArguments, "-movflags", "+faststart", "-fs", options.MaxBytesArgument, "film.mp4"]);
        return arguments;
    }
}
