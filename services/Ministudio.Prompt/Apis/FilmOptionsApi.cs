using Ministudio.Contracts;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// <c>GET /v1/film-options</c>: the names a film may use and the limits it must keep, read from their single sources
/// (the cinematography catalogue, the colour grades, the video formats) so that forms never keep copies.
/// </summary>
public static class FilmOptionsApi
{
    public sealed record FilmLimits(double MinShotSeconds, double MaxShotSeconds, int MaxShots, double MaxFilmSeconds, int MinKelvin, int MaxKelvin);

    public sealed record FilmOptions(
        IReadOnlyList<string> AspectRatios,
        IReadOnlyList<string> ShotTypes,
        IReadOnlyList<string> CameraMoves,
        IReadOnlyList<string> Lenses,
        IReadOnlyList<string> Apertures,
        IReadOnlyList<string> Compositions,
        IReadOnlyList<string> LightingSetups,
        IReadOnlyList<string> Profiles,
        IReadOnlyList<string> Evolutions,
        IReadOnlyList<string> ColourGrades,
        FilmLimits Limits);

    public static readonly FilmOptions Options = Build();

    public static IEndpointRouteBuilder MapFilmOptionsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/film-options", () => TypedResults.Ok(Options)).WithTags("Films");
        return app;
    }

    private static FilmOptions Build()
    {
        var catalogue = Cinematography.Catalogue;
        return new(
            [.. VideoFormats.AspectRatios], [.. catalogue.ShotTypes.Keys], [.. catalogue.CameraMoves.Keys], [.. catalogue.Lenses.Keys],
            [.. catalogue.Apertures.Keys], [.. catalogue.Compositions.Keys], [.. catalogue.LightingSetups.Keys], [.. catalogue.Profiles.Keys],
            [.. catalogue.Evolutions.Keys], [.. ColourGrades.All.Keys],
            new(VideoFormats.MinShotSeconds, VideoFormats.MaxShotSeconds, VideoFormats.MaxShots, VideoFormats.MaxFilmSeconds, Cinematography.MinKelvin, Cinematography.MaxKelvin));
    }
}
