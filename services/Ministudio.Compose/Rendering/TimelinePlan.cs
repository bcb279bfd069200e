using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Rendering;

/// <summary>A video or image clip with its source probed and its length settled.</summary>
public sealed record PlacedVisual(int Track, TimelineClip Clip, string Input, MediaInfo Info, double Length)
{
    public double End => Clip.Start + Length;
}

/// <summary>A stored asset linked into the job folder under a generated name, with what ffprobe says about it.</summary>
public sealed record LinkedAsset(string Input, MediaInfo Info);

/// <summary>A narration clip with its synthesized speech and the length it plays.</summary>
public sealed record PlacedNarration(TimelineClip Clip, SpeechClip Speech, double Length);

/// <summary>
/// What a timeline asks for, settled against its assets: every asset linked and probed, visuals placed, narration
/// spoken, caption cues in order, and the film's length. Nothing here runs an encode.
/// </summary>
public sealed record TimelinePlan(
    IReadOnlyDictionary<string, LinkedAsset> Assets,
    IReadOnlyList<PlacedVisual> Visuals,
    IReadOnlyList<TimelineClip> Titles,
    IReadOnlyList<PlacedNarration> Narrations,
    IReadOnlyList<TimelineClip> Sounds,
    IReadOnlyList<CaptionCue> Cues,
    double Duration)
{
    public const double Tolerance = 0.001;

    /// <summary>Something besides the clips' own sound is heard: narration, audio clips or a soundtrack.</summary>
    public bool HasOtherAudio(Timeline timeline) => Narrations.Count > 0 || Sounds.Count > 0 || timeline.Soundtrack is not null;

    public static async Task<TimelinePlan> BuildAsync(Timeline timeline, ArtifactStore artifacts, string folder, ISpeechSynthesizer? speech, SpeechPayer? payer, CancellationToken ct)
    {
        var assets = await LinkAssetsAsync(timeline, artifacts, folder, ct);
        var visuals = new List<PlacedVisual>();
        var titles = new List<TimelineClip>();
        var narrations = new List<PlacedNarration>();
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
                        titles.Add(clip);
                        break;
                    case TimelineVocabulary.Caption:
                        cues.Add(new CaptionCue(clip.Start, clip.Start + clip.Length!.Value, clip.Text!, []));
                        break;
                    case TimelineVocabulary.Audio:
                        sounds.Add(clip);
                        break;
                    case TimelineVocabulary.Narration:
                        var spoken = await (speech ?? throw FilmSound.SpeechUnavailable()).SynthesizeAsync(new SpeechRequest(clip.Text!, clip.Voice, Payer: payer), folder, ct);
                        var length = clip.Length ?? spoken.DurationSeconds;
                        narrations.Add(new PlacedNarration(clip, spoken, length));
                        cues.AddRange(Captions.FromSpeech(clip.Text!, clip.Start, length, spoken.Words));
                        break;
                }
            }
        }

        var duration = new[]
        {
            visuals.Max(v => v.End),
            titles.Select(t => t.Start + t.Length!.Value).DefaultIfEmpty().Max(),
            cues.Select(c => c.End).DefaultIfEmpty().Max(),
            narrations.Select(n => n.Clip.Start + n.Length).DefaultIfEmpty().Max(),
            sounds.Select(s => s.Start + (s.Length ?? assets[s.Asset!].Info.DurationSeconds - s.Trim)).DefaultIfEmpty().Max(),
        }.Max();
        if (duration > TimelineValidator.MaxSeconds) throw new CompositionException("timeline.too_long", $"The film would run {duration:0.#} s; at most {TimelineValidator.MaxSeconds} s.");

        cues.Sort((a, b) => a.Start.CompareTo(b.Start));
        return new TimelinePlan(assets, visuals, titles, narrations, sounds, cues, duration);
    }

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
            var path = await artifacts.FetchAsync(hash, ct)
                ?? throw new CompositionException("compose.clip_missing", $"Asset {hash} is not in the artifact store.");
            var name = $"asset-{linked.Count:000}";
            File.CreateSymbolicLink(Path.Combine(folder, name), path);
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
                File.CreateSymbolicLink(Path.Combine(folder, name), path);
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
}
