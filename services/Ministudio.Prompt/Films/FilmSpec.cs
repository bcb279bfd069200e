namespace Ministudio.Prompt.Films;

/// <summary>
/// A film as a client submits it to <c>POST /v1/films</c> (and <c>POST /v1/films:compile</c>). Its sound: narration in
/// the <c>Narrator</c>'s voice, dialogue in each character's, an optional <c>Music</c> bed, normalised to
/// <c>LoudnessLufs</c> (default -14); <c>Transition</c> is the default blend between shots (default fade 0.5 s).
/// <c>Timing</c> <c>narration</c> makes every shot at least as long as its speech (a shot may set its own).
/// </summary>
public sealed record FilmSpec(
    string? Title,
    string? AspectRatio,
    string? Provider,
    long? Seed,
    StyleSpec? Style,
    IReadOnlyList<CharacterSpec>? Characters,
    EnvironmentSpec? Environment,
    IReadOnlyList<ShotSpec>? Shots,
    IReadOnlyList<SceneSpec>? Scenes = null,
    VoiceSpec? Narrator = null,
    MusicSpec? Music = null,
    TransitionSpec? Transition = null,
    double? LoudnessLufs = null,
    string? Timing = null,
    string? Grade = null);

/// <summary>A music bed under the whole film, ducked under speech: one of the tenant's artifacts (SHA-256) and its gain (0–4, default 0.8).</summary>
public sealed record MusicSpec(string? Asset, double? Volume);

/// <summary>How a shot blends in from the one before: an ffmpeg xfade name (fade, wipeleft, …) or <c>cut</c>, over <c>Seconds</c> (default 0.5).</summary>
public sealed record TransitionSpec(string? Type, double? Seconds);

/// <summary>
/// A scene: shots that share an environment. A film gives either <c>shots</c> or <c>scenes</c>. <c>State</c> changes
/// take effect with the scene's first shot; <c>Grade</c> is the colour grade of its shots (default: the film's);
/// <c>Evolution</c> (dawn-to-day, day-to-dusk, tension-build, revelation) moves the look across its shots.
/// <c>Coverage</c> <c>dialogue</c> makes each shot with dialogue a two-shot and one over-the-shoulder shot per line.
/// </summary>
public sealed record SceneSpec(
    EnvironmentSpec? Environment, IReadOnlyList<ShotSpec>? Shots, StateChange? State = null, string? Grade = null, string? Evolution = null, string? Coverage = null);

/// <summary>
/// What changes from a shot (or scene) on and holds for the rest of the film until changed again: characters' state
/// (only the fields given change) and the environment's time of day, weather and lighting.
/// </summary>
public sealed record StateChange(IReadOnlyList<CharacterStateChange>? Characters, EnvironmentState? Environment);

/// <summary>A character (by name) and the state fields that change.</summary>
public sealed record CharacterStateChange(string? Name, CharacterState? State);

/// <summary>The parts of an environment that change over a film.</summary>
public sealed record EnvironmentState(string? TimeOfDay, string? Weather, string? Lighting);

/// <summary>
/// Style DNA: traits and references go into every prompt, the negative prompt into the vendor's field, the palette
/// drives the local renderer. <c>Id</c> names a style in the tenant's library or a built-in pack.
/// </summary>
public sealed record StyleSpec(
    string? Id,
    string? Name,
    IReadOnlyList<string>? Traits,
    IReadOnlyList<string>? References,
    IReadOnlyList<string>? Palette,
    string? NegativePrompt);

/// <summary>
/// A character, embedded or referenced by <c>Id</c> from the library (embedded fields then override).
/// <c>ReferenceImages</c> are SHA-256 hashes of the tenant's uploads (<c>POST /v1/images</c>), portraits first.
/// </summary>
public sealed record CharacterSpec(
    string? Id,
    string? Name,
    CharacterIdentity? Identity,
    CharacterState? State,
    string? MotionNotes,
    VoiceSpec? Voice,
    IReadOnlyList<string>? ReferenceImages = null);

/// <summary>What makes a character recognisable; every field is locked into every shot the character is in.</summary>
public sealed record CharacterIdentity(
    string? Hair,
    string? Eyes,
    string? Skin,
    string? Face,
    string? Build,
    IReadOnlyList<string>? Traits);

/// <summary>How a character is dressed, equipped and feeling in the film.</summary>
public sealed record CharacterState(
    string? Clothing,
    string? Equipment,
    string? Emotion,
    string? Posture);

/// <summary>
/// The voice a character's dialogue (or the narration) is spoken with: <c>VoiceId</c> is engine:voice
/// (espeak:en-us, openai:alloy, google:en-US-Neural2-F, elevenlabs:&lt;id&gt;; none: the default voice), <c>Profile</c> free text.
/// </summary>
public sealed record VoiceSpec(string? VoiceId, string? Profile);

/// <summary>Where a shot happens; referenced by <c>Id</c> from the library or embedded.</summary>
public sealed record EnvironmentSpec(
    string? Id,
    string? Location,
    IReadOnlyList<string>? FixedElements,
    string? Architecture,
    IReadOnlyList<string>? Palette,
    string? Lighting,
    string? Weather,
    string? TimeOfDay,
    string? Composition,
    IReadOnlyList<string>? ReferenceImages = null);

/// <summary>A line of dialogue: who speaks (a character's name) and what.</summary>
public sealed record DialogueLine(string? Speaker, string? Line);

/// <summary>
/// One shot. <c>Characters</c> names who is in it (absent: every character of the film). <c>Environment</c> overrides
/// the film's. <c>Continuity</c> (default true) chains the shot to the one before. <c>Transition</c> is how it blends
/// in from the shot before (default: the film's). <c>State</c> changes characters or the environment from this shot
/// on. Cinematography: a named <c>Profile</c> sets shot type, camera, lens, aperture, composition, lighting setup and
/// colour temperature, each of which the shot may set itself (Films/Cinematography.json). <c>Grade</c> is the colour
/// grade compose applies (default: the scene's, else the film's). A run of consecutive shots naming the same
/// <c>Evolution</c> (a scene's is given to its shots) moves through it from the first shot of the run to the last.
/// </summary>
public sealed record ShotSpec(
    string? Action,
    double DurationSeconds,
    string? ShotType,
    string? Camera,
    string? Lens,
    string? Lighting,
    string? Narration,
    IReadOnlyList<DialogueLine>? Dialogue,
    string? ActingNotes,
    IReadOnlyList<string>? Characters,
    EnvironmentSpec? Environment,
    bool? Continuity,
    long? Seed,
    string? Provider,
    TransitionSpec? Transition = null,
    string? Timing = null,
    StateChange? State = null,
    string? Profile = null,
    string? Aperture = null,
    string? Composition = null,
    string? LightingSetup = null,
    int? ColourTemperature = null,
    string? Grade = null,
    string? Evolution = null);
