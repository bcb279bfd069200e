using System.Text.Json;
using Ministudio.Contracts;

namespace Ministudio.Prompt.Films;

/// <summary>What a named cinematography profile sets; a shot's own fields win over it.</summary>
public sealed record CinematographyProfile(
    string? ShotType, string? Camera, string? Lens, string? Aperture, string? Composition, string? LightingSetup, int? ColourTemperature);

/// <summary>
/// How a group of providers is told about camera moves: <c>Moves</c> are the words for each move it does (empty: the
/// catalogue's plain words for every move), <c>Mapped</c> the moves it does not do and the nearest one it does instead;
/// any other move is refused (the shot keeps a static camera).
/// </summary>
public sealed record CameraVocabulary(string About, IReadOnlyList<string> Vendors, IReadOnlyDictionary<string, string> Moves, IReadOnlyDictionary<string, string> Mapped);

/// <summary>A look that moves across a run of shots: its stages (words) and the colour temperature from first to last shot.</summary>
public sealed record StyleEvolution(IReadOnlyList<string> Stages, IReadOnlyList<int> ColourTemperature);

public sealed record ColourTemperatureBand(int UpTo, string Words);

public sealed record CinematographyCatalogue(
    IReadOnlyDictionary<string, string> ShotTypes,
    IReadOnlyDictionary<string, string> Lenses,
    IReadOnlyDictionary<string, string> Apertures,
    IReadOnlyDictionary<string, string> Compositions,
    IReadOnlyDictionary<string, string> LightingSetups,
    IReadOnlyList<ColourTemperatureBand> ColourTemperatures,
    IReadOnlyDictionary<string, string> CameraMoves,
    IReadOnlyDictionary<string, CameraVocabulary> Vocabularies,
    IReadOnlyDictionary<string, CinematographyProfile> Profiles,
    IReadOnlyDictionary<string, StyleEvolution> Evolutions);

/// <summary>How a camera move reaches one provider: the move it is asked for, its words, and why it differs (null: as written).</summary>
public sealed record CompiledCamera(string Move, string? Words, string? WarningCode, string? Warning);

/// <summary>
/// The cinematographer's vocabulary: shot types and camera moves (in contracts, <see cref="ShotTypes"/> and
/// <see cref="CameraMoves"/>, as the render service draws them too), and from Cinematography.json lenses, apertures,
/// compositions, lighting setups, colour temperatures, how each provider is told about camera moves, the named profiles
/// and the style evolutions. The compiler and the validator both read it here.
/// </summary>
public static class Cinematography
{
    public const int MinKelvin = 1000, MaxKelvin = 12000;
    public const string Static = CameraMoves.Static;
    private const string Natural = "natural";

    public static readonly CinematographyCatalogue Catalogue = Load();

    /// <summary>Shots without a camera move alternate gently so consecutive shots never look frozen.</summary>
    public static string DefaultCamera(int shotIndex) => (shotIndex % 3) switch
    {
        0 => "push-in",
        1 => "pan-right",
        _ => "pan-left",
    };

    public static string? ShotTypeWords(string? shotType) => Words(Catalogue.ShotTypes, shotType);

    /// <summary>A catalogue lens in its words; any other lens as written.</summary>
    public static string? LensWords(string? lens) => Words(Catalogue.Lenses, lens?.Trim()) ?? (string.IsNullOrWhiteSpace(lens) ? null : $"{lens.Trim()} lens");

    public static string? ApertureWords(string? aperture) => Words(Catalogue.Apertures, aperture);
    public static string? CompositionWords(string? composition) => Words(Catalogue.Compositions, composition);
    public static string? LightingSetupWords(string? setup) => Words(Catalogue.LightingSetups, setup);

    public static string? KelvinWords(int? kelvin) =>
        kelvin is { } k ? $"{k}K {Catalogue.ColourTemperatures.FirstOrDefault(b => k <= b.UpTo)?.Words ?? Catalogue.ColourTemperatures[^1].Words}" : null;

    /// <summary>The vocabulary a provider (vendor or chain) is compiled in.</summary>
    public static CameraVocabulary VocabularyFor(string provider) =>
        Catalogue.Vocabularies.Values.FirstOrDefault(v => v.Vendors.Contains(provider)) ?? Catalogue.Vocabularies[Natural];

    /// <summary>A camera move as the provider is told it: its own words, the nearest move it does (mapped), or none (refused).</summary>
    public static CompiledCamera Camera(string move, string provider)
    {
        var vocabulary = VocabularyFor(provider);
        if (vocabulary.Moves.Count == 0) return new(move, Catalogue.CameraMoves[move], null, null);
        if (vocabulary.Moves.TryGetValue(move, out var words)) return new(move, words, null, null);
        if (vocabulary.Mapped.TryGetValue(move, out var nearest))
            return new(nearest, vocabulary.Moves[nearest], "camera.mapped", $"{provider} does not do {move}; the shot uses {nearest} instead.");
        return new(Static, null, "camera.unsupported", $"{provider} does not do {move}; the shot keeps a static camera.");
    }

    /// <summary>Where a shot stands in an evolution run of <paramref name="count"/> shots: its stage's words and colour temperature.</summary>
    public static (string Words, int Kelvin) Evolve(StyleEvolution evolution, int position, int count)
    {
        var t = count > 1 ? position / (double)(count - 1) : 0;
        var stage = evolution.Stages[(int)Math.Round(t * (evolution.Stages.Count - 1))];
        var (from, to) = (evolution.ColourTemperature[0], evolution.ColourTemperature[^1]);
        return (stage, (int)Math.Round((from + (to - from) * t) / 50) * 50);
    }

    private static string? Words(IReadOnlyDictionary<string, string> table, string? key) =>
        key is not null && table.TryGetValue(key, out var words) ? words : null;

    private static CinematographyCatalogue Load()
    {
        using var stream = typeof(Cinematography).Assembly.GetManifestResourceStream("Ministudio.Prompt.Films.Cinematography.json")
            ?? throw new InvalidOperationException("Cinematography.json is not embedded in the prompt assembly.");
        var catalogue = JsonSerializer.Deserialize<CinematographyCatalogue>(stream, JsonSerializerOptions.Web)!;
        return catalogue with { ShotTypes = ShotTypes.All, CameraMoves = CameraMoves.All };
    }
}
