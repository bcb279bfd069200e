namespace Ministudio.Contracts;

/// <summary>
/// A colour-grade preset: the words the prompt names it with, and the ffmpeg 5.1 filter chain compose applies to each
/// clip graded with it. <c>Shift</c> is the direction the grade moves a frame's mean colour, which tests check.
/// </summary>
public sealed record ColourGrade(string Name, string Words, string Filter, string Shift);

/// <summary>The colour-grade presets, read by prompt (validation, prompt text) and compose (the filters).</summary>
public static class ColourGrades
{
    public const string Neutral = "neutral";

    public static readonly IReadOnlyDictionary<string, ColourGrade> All = new[]
    {
        new ColourGrade(Neutral, "neutral colour grade, true-to-life colours", "null", "none"),
        new ColourGrade("cinematic", "cinematic colour grade: slightly lifted contrast, teal shadows, warm highlights",
            "eq=contrast=1.08:saturation=0.92,colorbalance=rs=-0.04:bs=0.05:rh=0.05:bh=-0.04", "contrast"),
        new ColourGrade("warm-film", "warm film-stock grade: golden highlights, amber midtones, soft contrast",
            "colorbalance=rs=0.06:bs=-0.06:rm=0.08:gm=0.02:bm=-0.08:rh=0.06:bh=-0.06,eq=saturation=1.05", "warmer"),
        new ColourGrade("cool-modern", "cool modern grade: clean blue-steel tones, restrained saturation",
            "colorbalance=rs=-0.06:bs=0.08:rm=-0.08:bm=0.08:rh=-0.04:bh=0.06,eq=saturation=0.9", "cooler"),
        new ColourGrade("vintage", "vintage grade: faded blacks, muted colours, warm cast", "curves=preset=vintage,eq=saturation=0.8", "faded"),
        new ColourGrade("noir", "black-and-white noir grade: deep blacks, hard contrast", "hue=s=0,eq=contrast=1.3", "monochrome"),
        new ColourGrade("teal-orange", "teal and orange blockbuster grade: teal shadows, orange skin tones",
            "colorbalance=rs=-0.1:gs=0.02:bs=0.1:rh=0.1:gh=0.02:bh=-0.1,eq=saturation=1.1", "teal-orange"),
        new ColourGrade("documentary", "natural documentary grade: honest colour, gentle contrast", "eq=contrast=1.02,hue=s=0.75", "desaturated"),
        new ColourGrade("dreamy", "dreamy grade: lifted shadows, soft pastel colours, gentle glow", "curves=preset=lighter,eq=saturation=0.85:contrast=0.9", "brighter"),
        new ColourGrade("high-contrast", "high-contrast grade: crushed blacks, punchy saturated colour", "curves=preset=strong_contrast,eq=saturation=1.15", "contrast"),
    }.ToDictionary(g => g.Name, StringComparer.Ordinal);

    /// <summary>The filter of a graded clip, or null when it is not graded (no grade, or neutral).</summary>
    public static string? FilterOf(string? grade) =>
        grade is null || grade == Neutral || !All.TryGetValue(grade, out var preset) ? null : preset.Filter;
}
