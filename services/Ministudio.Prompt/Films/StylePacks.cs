using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ministudio.Prompt.Films;

/// <summary>Built-in style packs (StylePacks.json), and the palette the local renderer paints a style with.</summary>
public static class StylePacks
{
    public static readonly IReadOnlyDictionary<string, StyleSpec> BuiltIn = Load();

    public const string Default = "cinematic";

    /// <summary>The film's palette, else its pack's, else one derived from the style's name so it is stable.</summary>
    public static IReadOnlyList<string> PaletteOf(StyleSpec? style)
    {
        if (style?.Palette is { Count: > 0 } palette) return palette.Select(c => c.ToUpperInvariant()).ToArray();
        var name = style?.Name ?? Default;
        if (BuiltIn.TryGetValue(name, out var pack)) return pack.Palette!;
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()));
        return Enumerable.Range(0, 4).Select(i => $"#{bytes[i * 3]:X2}{bytes[i * 3 + 1]:X2}{bytes[i * 3 + 2]:X2}").ToArray();
    }

    private static Dictionary<string, StyleSpec> Load()
    {
        using var stream = typeof(StylePacks).Assembly.GetManifestResourceStream("Ministudio.Prompt.Films.StylePacks.json")
            ?? throw new InvalidOperationException("StylePacks.json is not embedded in the prompt assembly.");
        var packs = JsonSerializer.Deserialize<Dictionary<string, StyleSpec>>(stream, JsonSerializerOptions.Web)!;
        return new Dictionary<string, StyleSpec>(packs, StringComparer.OrdinalIgnoreCase);
    }
}
