namespace Ministudio.Prompt.Films;

/// <summary>A film as a client submits it to <c>POST /v1/films</c>.</summary>
public sealed record FilmSpec(
    string? Title,
    string? AspectRatio,
    string? Provider,
    long? Seed,
    StyleSpec? Style,
    IReadOnlyList<CharacterSpec>? Characters,
    IReadOnlyList<ShotSpec>? Shots);

/// <summary>Style DNA: traits and references go into every prompt; the palette drives the local renderer.</summary>
public sealed record StyleSpec(
    string? Name,
    IReadOnlyList<string>? Traits,
    IReadOnlyList<string>? Palette,
    string? NegativePrompt);

public sealed record CharacterSpec(string? Name, CharacterIdentity? Identity);

/// <summary>What makes a character recognisable; every field is locked into every shot the character is in.</summary>
public sealed record CharacterIdentity(
    string? Hair,
    string? Eyes,
    string? Skin,
    string? Face,
    string? Build,
    IReadOnlyList<string>? Traits);

/// <summary>One shot. <c>Characters</c> names who is in it; absent means every character of the film.</summary>
public sealed record ShotSpec(
    string? Action,
    double DurationSeconds,
    string? Narration,
    string? Camera,
    IReadOnlyList<string>? Characters);
