namespace Ministudio.Prompt.Films;

/// <summary>The output formats the platform renders, keyed by aspect ratio.</summary>
public static class VideoFormats
{
    public const int FramesPerSecond = 24;
    public const double MinShotSeconds = 1;
    /// <summary>A shot longer than its provider makes is made in chained parts, up to this long.</summary>
    public const double MaxShotSeconds = 120;
    public const int MaxShots = 50;
    /// <summary>A whole film: keeps one request from booking hours of rendering.</summary>
    public const double MaxFilmSeconds = 300;

    private static readonly Dictionary<string, (int Width, int Height)> Sizes = new(StringComparer.Ordinal)
    {
        ["16:9"] = (1280, 720),
        ["9:16"] = (720, 1280),
        ["1:1"] = (720, 720),
    };

    public static IReadOnlyCollection<string> AspectRatios => Sizes.Keys;

    public static bool TryGetSize(string? aspectRatio, out (int Width, int Height) size) =>
        Sizes.TryGetValue(aspectRatio ?? "", out size);
}
