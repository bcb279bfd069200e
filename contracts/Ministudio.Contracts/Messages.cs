using System.Text.Json.Serialization;

namespace Ministudio.Contracts;

/// <summary>
/// Everything a provider needs to produce one shot; its canonical JSON is the result-cache key. NegativePrompt is set
/// only for providers that take it as a field (others get it in the prompt text). FirstFrameClip is the artifact hash
/// of the previous shot in a continuity chain: its last frame becomes this shot's first. ReferenceImages are artifact
/// hashes of character and environment references the provider conditions on. ShotType, Environment and Speech are
/// set only for providers that draw them from fields (the procedural renderer's animatic, <c>animatic</c> in the vendor
/// catalogue); every other provider reads them in the prompt, and a null field stays out of the canonical JSON, so the
/// cache keys of their requests do not change.
/// </summary>
public sealed record ShotRequest(
    string Provider,
    string Prompt,
    string Action,
    string AspectRatio,
    int Width,
    int Height,
    int Fps,
    double DurationSeconds,
    long Seed,
    string CameraMove,
    string? NegativePrompt,
    ShotStyle Style,
    IReadOnlyList<ShotCharacter> Characters,
    string? FirstFrameClip = null,
    IReadOnlyList<string>? ReferenceImages = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ShotType = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ShotEnvironment? Environment = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<SpokenSpan>? Speech = null);

/// <summary>Where a shot happens, as in force during it: the location, its palette (#RRGGBB), time of day, weather and lighting.</summary>
public sealed record ShotEnvironment(string? Location, IReadOnlyList<string> Palette, string? TimeOfDay, string? Weather, string? Lighting);

/// <summary>A dialogue line as the film will play it: who speaks, from when to when, in seconds from the clip's first frame.</summary>
public sealed record SpokenSpan(string Speaker, double StartSeconds, double EndSeconds);

public sealed record ShotStyle(string Name, IReadOnlyList<string> Palette);

/// <summary>A character as it appears in a shot; identity entries are kept in a fixed order.</summary>
public sealed record ShotCharacter(string Name, int Slot, IReadOnlyList<KeyValuePair<string, string>> Identity);

/// <summary>prompt → dispatch: produce one shot of a job.</summary>
public sealed record RenderShot(Guid JobId, Guid TenantId, int ShotIndex, ShotRequest Request);

/// <summary>dispatch → prompt: a shot advanced (fraction 0..1).</summary>
public sealed record ShotProgressed(Guid JobId, int ShotIndex, double Fraction, string Stage);

/// <summary>dispatch → prompt: a shot's clip is in the artifact store.</summary>
public sealed record ShotRendered(Guid JobId, int ShotIndex, string ArtifactHash, double DurationSeconds, bool FromCache, string Provider);

/// <summary>dispatch → prompt: a shot could not be produced.</summary>
public sealed record ShotFailed(Guid JobId, int ShotIndex, string ErrorCode, string Message, bool Retryable);

/// <summary>
/// prompt → compose: make the job's film. With a Timeline, the timeline is rendered; with a Score, compose speaks its
/// lines and builds the film's timeline from the clips and the score (FilmTimeline); with neither, the clips are
/// joined in order with the transition between each pair, at the film's Aspect. <paramref name="TenantId"/> is whose own
/// speech-vendor keys speak the film's lines and whose cost ledger pays for them (empty: the platform's keys, no tenant
/// billed — tools and tests only).
/// </summary>
public sealed record ComposeFilm(
    Guid JobId,
    IReadOnlyList<string> ClipHashes,
    string Transition,
    double TransitionSeconds,
    string Aspect,
    Timeline? Timeline = null,
    FilmScore? Score = null,
    Guid TenantId = default);

/// <summary>
/// What a film adds to its clips: per shot (in ClipHashes order) its spoken lines and the transition into it, an
/// optional music bed (ducked under speech), the loudness target and whether captions are burned into the picture.
/// </summary>
public sealed record FilmScore(IReadOnlyList<ScoredShot> Shots, Soundtrack? Music, double LoudnessLufs, bool BurnCaptions = false)
{
    /// <summary>Silence before a shot's first line, so speech does not start on the cut.</summary>
    public const double LeadSeconds = 0.2;

    /// <summary>Silence between two lines of one shot.</summary>
    public const double GapSeconds = 0.3;
}

/// <summary>
/// One clip's sound and look: its lines in the order spoken, how it blends in from the clip before (null: a cut), the
/// colour grade compose applies to it (<see cref="ColourGrades"/>; null: none), and whether it continues the clip before
/// as the next part of one long shot (a cut with no visible join; the first part's lines may run on into it).
/// </summary>
public sealed record ScoredShot(IReadOnlyList<SpokenLine> Lines, ClipTransition? Transition, string? Grade = null, bool Continues = false);

/// <summary>A line spoken in a shot: narration (Speaker null) or a character's dialogue, in an engine:voice (null: the default).</summary>
public sealed record SpokenLine(string Text, string? Voice, string? Speaker = null);

/// <summary>
/// prompt → compose (request): how long each line lasts when spoken, for the tenant whose keys speak and whose ledger
/// pays (empty: the platform's keys, no tenant billed). Answered by SpeechMeasured or SpeechRefused.
/// </summary>
public sealed record MeasureSpeech(IReadOnlyList<SpokenLine> Lines, Guid TenantId = default);

/// <summary>compose → prompt (response): each line's spoken length in seconds, in order (the speech is now cached).</summary>
public sealed record SpeechMeasured(IReadOnlyList<double> Seconds);

/// <summary>compose → prompt (response): the line at index Line cannot be spoken (tts.invalid_voice, …); Retryable for vendor outages.</summary>
public sealed record SpeechRefused(int Line, string Code, string Message, bool Retryable);

/// <summary>
/// compose → dispatch: a line was synthesized by a speech vendor (never sent for a line served from the speech cache).
/// Dispatch's cost ledger records it once per <paramref name="SynthesisId"/>, however often it is delivered.
/// <paramref name="JobId"/> is null for speech measured while a film was submitted, before it had a job;
/// <paramref name="Byok"/>: paid with the tenant's own key. <paramref name="CostUsd"/> is the list price from the
/// vendor catalogue's speech section for <paramref name="Characters"/> characters and <paramref name="Seconds"/> of audio.
/// </summary>
public sealed record SpeechSynthesized(
    Guid SynthesisId, Guid TenantId, Guid? JobId, string Vendor, string Model, int Characters, double Seconds, decimal CostUsd, bool Byok);

/// <summary>A file compose made next to the film: its name under /v1/jobs/{id}/ (poster.jpg, hls/master.m3u8, …), hash and media type.</summary>
public sealed record FilmDeliverable(string Name, string Sha256, string MediaType);

/// <summary>compose → prompt: progress of the final encode (fraction 0..1).</summary>
public sealed record FilmComposeProgressed(Guid JobId, double Fraction);

/// <summary>
/// compose → prompt: the film is in the artifact store, with the poster (JPEG), sprite sheet (JPEG) and captions
/// (SRT, WebVTT) its timeline asked for; Deliverables lists every file made next to it (those and the sprite's
/// thumbnail track, the audio-only track, the HLS playlists and segments).
/// </summary>
public sealed record FilmComposed(
    Guid JobId,
    string ArtifactHash,
    double DurationSeconds,
    string? PosterHash = null,
    string? SpriteHash = null,
    string? SrtHash = null,
    string? VttHash = null,
    IReadOnlyList<FilmDeliverable>? Deliverables = null);

/// <summary>compose → prompt: the film could not be composed.</summary>
public sealed record FilmComposeFailed(Guid JobId, string ErrorCode, string Message);

/// <summary>prompt → dispatch (every instance): stop the job's shots in flight and skip the ones not started.</summary>
public sealed record JobCanceled(Guid JobId);

/// <summary>
/// prompt → every service (an operator erased the tenant, GDPR): drop everything kept for it — dispatch its ledger rows,
/// plan copy and cached results. prompt has already deleted its own rows and cancelled the tenant's unfinished jobs.
/// </summary>
public sealed record TenantErased(Guid TenantId);

/// <summary>prompt → dispatch, request/response: the tenant's cost-ledger rows for its data export.</summary>
public sealed record ExportTenantUsage(Guid TenantId);

/// <summary>dispatch → prompt: the answer to <see cref="ExportTenantUsage"/>, the rows as a JSON array.</summary>
public sealed record TenantUsageExported(Guid TenantId, string LedgerJson);
