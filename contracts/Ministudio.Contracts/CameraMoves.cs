namespace Ministudio.Contracts;

/// <summary>
/// The camera moves a film may name, each with the plain cinematographic words prompts describe it in. Prompt validates
/// and compiles shots against this list (and tells each provider the moves in its own vocabulary); the render service
/// draws every one of them.
/// </summary>
public static class CameraMoves
{
    public const string Static = "static";

    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Static] = "locked-off static camera",
        ["pan-left"] = "slow pan to the left",
        ["pan-right"] = "slow pan to the right",
        ["tilt-up"] = "slow tilt up",
        ["tilt-down"] = "slow tilt down",
        ["push-in"] = "slow push-in",
        ["pull-out"] = "slow pull-out",
        ["dolly-in"] = "dolly in towards the subject",
        ["dolly-out"] = "dolly out away from the subject",
        ["truck-left"] = "camera trucks left alongside the subject",
        ["truck-right"] = "camera trucks right alongside the subject",
        ["pedestal-up"] = "camera rises straight up on a pedestal",
        ["pedestal-down"] = "camera lowers straight down on a pedestal",
        ["crane-up"] = "crane shot rising up and over the scene",
        ["crane-down"] = "crane shot descending into the scene",
        ["orbit-left"] = "camera orbits the subject to the left",
        ["orbit-right"] = "camera orbits the subject to the right",
        ["tracking"] = "tracking shot following the subject",
        ["handheld"] = "handheld camera, subtle natural shake",
        ["zoom-in"] = "slow optical zoom in",
        ["zoom-out"] = "slow optical zoom out",
        ["rack-focus"] = "rack focus from foreground to background",
    };
}
