using Ministudio.Contracts;

namespace Ministudio.Prompt.Films;

/// <summary>
/// The fields of a shot request that only an animatic vendor (the procedural renderer) reads: the environment in force
/// and when each dialogue line is spoken in the clip. Other vendors read the same facts in the prompt.
/// </summary>
public static class Animatic
{
    /// <summary>The shot's environment with the state in force (time of day, weather, lighting); its palette, else the style's.</summary>
    public static ShotEnvironment Environment(EnvironmentSpec? written, EnvironmentState inForce, ShotStyle style) =>
        new(PromptSections.Clean(written?.Location), written?.Palette is { Count: > 0 } palette ? palette : style.Palette,
            PromptSections.Clean(inForce.TimeOfDay), PromptSections.Clean(inForce.Weather), PromptSections.Clean(inForce.Lighting));

    /// <summary>
    /// The lines spoken during one part of a shot (<paramref name="from"/> seconds into the shot, <paramref name="seconds"/>
    /// long), in seconds from the part's first frame and cut to it; null when the speech was not measured.
    /// </summary>
    public static IReadOnlyList<SpokenSpan>? Speech(IReadOnlyList<SpokenSpan>? shot, double from, double seconds) =>
        shot?.Where(line => line.EndSeconds > from && line.StartSeconds < from + seconds)
            .Select(line => new SpokenSpan(line.Speaker, Math.Round(Math.Max(0, line.StartSeconds - from), 3), Math.Round(Math.Min(seconds, line.EndSeconds - from), 3)))
            .ToList();
}
