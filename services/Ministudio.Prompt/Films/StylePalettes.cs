using System.Security.Cryptography;
using System.Text;

namespace Ministudio.Prompt.Films;

/// <summary>Colours the local renderer paints a style with when the film gives none.</summary>
public static class StylePalettes
{
    private static readonly Dictionary<string, string[]> BuiltIn = new(StringComparer.OrdinalIgnoreCase)
    {
        ["cinematic"] = ["#0B1D2A", "#1F4E5F", "#E0A458", "#F4E3B2"],
        ["watercolor"] = ["#DCE8E0", "#9CC5A1", "#F2B5A0", "#6F8FAF"],
        ["cyberpunk"] = ["#0D0221", "#261447", "#FF3864", "#2DE2E6"],
        ["realistic"] = ["#3B4A3F", "#7C8B6F", "#C9B79C", "#EDE6D6"],
        ["documentary"] = ["#2E2E2E", "#5C5C5C", "#B8A88A", "#E8E2D0"],
        ["anime"] = ["#87CEEB", "#FFB7C5", "#FFF5BA", "#4A6FA5"],
    };

    public static IReadOnlyList<string> For(StyleSpec? style)
    {
        if (style?.Palette is { Count: > 0 } palette)
            return palette.Select(c => c.ToUpperInvariant()).ToArray();
        var name = style?.Name ?? "cinematic";
        return BuiltIn.TryGetValue(name, out var builtIn) ? builtIn : Derived(name);
    }

    // An unknown style still gets a stable palette of its own rather than a shared default.
    private static string[] Derived(string name)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(name.ToLowerInvariant()));
        return Enumerable.Range(0, 4).Select(i => $"#{bytes[i * 3]:X2}{bytes[i * 3 + 1]:X2}{bytes[i * 3 + 2]:X2}").ToArray();
    }
}
