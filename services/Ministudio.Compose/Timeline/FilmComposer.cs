using System.Globalization;
using FFMpegCore;

namespace Ministudio.Compose.Timeline;

/// <summary>The finished film: where it was written and how long it runs.</summary>
public sealed record ComposedFilm(string Path, double DurationSeconds);

/// <summary>A composition that cannot be made, with a stable code for the job's error.</summary>
public sealed class CompositionException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}

/// <summary>
/// Joins clips into one film with an xfade cross-fade between each pair, in a single filtergraph pass. ffmpeg runs
/// with an argument list (never a shell), reads only local files, and is bounded in threads and wall time.
/// </summary>
public sealed class FilmComposer(ComposeOptions options)
{
    /// <summary>The transitions ffmpeg 5.1's xfade filter knows.</summary>
    public static readonly IReadOnlySet<string> Transitions = new HashSet<string>(StringComparer.Ordinal)
    {
        "fade", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown",
        "circlecrop", "rectcrop", "distance", "fadeblack", "fadewhite", "radial", "smoothleft", "smoothright",
        "smoothup", "smoothdown", "circleopen", "circleclose", "vertopen", "vertclose", "horzopen", "horzclose",
        "dissolve", "pixelize", "diagtl", "diagtr", "diagbl", "diagbr", "hlslice", "hrslice", "vuslice", "vdslice",
        "hblur", "fadegrays", "wipetl", "wipetr", "wipebl", "wipebr", "squeezeh", "squeezev", "zoomin",
        "fadefast", "fadeslow",
    };

    /// <summary>The longest cross-fade xfade accepts.</summary>
    public const double MaxTransitionSeconds = 60;

    public async Task<ComposedFilm> ComposeAsync(
        IReadOnlyList<string> clips, string transition, double transitionSeconds, string output, IProgress<double>? progress, CancellationToken ct)
    {
        if (clips.Count == 0) throw new CompositionException("compose.no_clips", "A film needs at least one clip.");
        if (!Transitions.Contains(transition))
            throw new CompositionException("compose.invalid_transition", $"'{transition}' is not an xfade transition.");

        if (clips.Count > 1 && !(transitionSeconds is > 0 and <= MaxTransitionSeconds))
            throw new CompositionException("compose.invalid_transition", $"A transition lasts more than 0 and at most {MaxTransitionSeconds} s, not {transitionSeconds}.");

        var durations = new List<double>(clips.Count);
        foreach (var clip in clips)
        {
            if (!File.Exists(clip)) throw new CompositionException("compose.clip_missing", $"Clip {Path.GetFileName(clip)} is not in the artifact store.");
            durations.Add(await DurationOfAsync(clip, ct));
        }
        if (clips.Count > 1 && durations.Any(d => d <= transitionSeconds))
            throw new CompositionException("compose.clip_too_short", $"Every clip must be longer than the {transitionSeconds} s transition.");

        var total = durations.Sum() - (clips.Count - 1) * transitionSeconds;
        var exceeded = $"ffmpeg ran past the {options.MaxDuration.TotalSeconds} s cap (Compose:MaxSeconds) and was stopped.";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.MaxDuration);

        var arguments = FFMpegArguments.FromFileInput(clips[0], verifyExists: true, LocalOnly);
        foreach (var clip in clips.Skip(1)) arguments = arguments.AddFileInput(clip, verifyExists: true, LocalOnly);

        var processor = arguments.OutputToFile(output, overwrite: true, o =>
        {
            if (clips.Count == 1)
            {
                // Nothing to blend: copy the stream as it is.
                o.WithCustomArgument("-c copy").WithFastStart();
                return;
            }
            o.WithCustomArgument($"-filter_complex {CrossFadeGraph(durations, transition, transitionSeconds)} -map [out]")
                .WithCustomArgument("-c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p")
                .WithThreads(options.Threads)
                .WithFastStart();
        });
        if (progress is not null)
            processor = processor.NotifyOnPercentageProgress(percent => progress.Report(Math.Clamp(percent / 100, 0, 1)), TimeSpan.FromSeconds(total));

        try
        {
            // No grace period: past the wall-time cap ffmpeg is killed, not asked to finish.
            await processor.CancellableThrough(timeout.Token, TimeSpan.Zero).ProcessAsynchronously(throwOnError: true);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            throw new CompositionException("compose.ffmpeg_failed", timeout.IsCancellationRequested ? exceeded : ex.Message, ex);
        }
        ct.ThrowIfCancellationRequested();
        // A cancelled ffmpeg can still exit cleanly with half a film: past the cap the film is never used.
        if (timeout.IsCancellationRequested) throw new CompositionException("compose.ffmpeg_failed", exceeded);
        return new ComposedFilm(output, await DurationOfAsync(output, ct));
    }

    /// <summary>How long a local media file runs; a file ffprobe cannot read is an ffmpeg failure, not a crash.</summary>
    public static async Task<double> DurationOfAsync(string path, CancellationToken ct)
    {
        try
        {
            return (await FFProbe.AnalyseAsync(path, customArguments: LocalOnlyArgument, cancellationToken: ct)).Duration.TotalSeconds;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new CompositionException("compose.ffmpeg_failed", $"ffprobe could not read {Path.GetFileName(path)}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// [0][1]xfade→[x1]; [x1][2]xfade→[x2]; … Each offset is where the next clip starts blending: the running length of
    /// the film so far minus the transition. Timestamps are reset per input so clips of any origin line up.
    /// </summary>
    public static string CrossFadeGraph(IReadOnlyList<double> durations, string transition, double transitionSeconds)
    {
        string F(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
        var parts = new List<string>();
        for (var i = 0; i < durations.Count; i++) parts.Add($"[{i}:v]settb=AVTB,setpts=PTS-STARTPTS[s{i}]");
        var previous = "s0";
        var length = durations[0];
        for (var i = 1; i < durations.Count; i++)
        {
            var label = i == durations.Count - 1 ? "out" : $"x{i}";
            parts.Add($"[{previous}][s{i}]xfade=transition={transition}:duration={F(transitionSeconds)}:offset={F(length - transitionSeconds)}[{label}]");
            length += durations[i] - transitionSeconds;
            previous = label;
        }
        return string.Join(";", parts);
    }

    // Inputs are files in our own store: refuse every other protocol ffmpeg could be talked into opening.
    private const string LocalOnlyArgument = "-protocol_whitelist file";

    private static void LocalOnly(FFMpegInputOptions input) => input.WithCustomArgument(LocalOnlyArgument);
}
