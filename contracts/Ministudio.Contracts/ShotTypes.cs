namespace Ministudio.Contracts;

/// <summary>
/// The shot types a film may name (written in capitals or not: ws, WS), each with the words prompts describe it in.
/// Prompt validates and compiles shots against this list; the render service frames its figures by it.
/// </summary>
public static class ShotTypes
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["EWS"] = "extreme wide shot",
        ["WS"] = "wide shot",
        ["FS"] = "full shot",
        ["MWS"] = "medium wide shot",
        ["MS"] = "medium shot",
        ["MCU"] = "medium close-up",
        ["CU"] = "close-up",
        ["ECU"] = "extreme close-up",
        ["OTS"] = "over-the-shoulder shot",
        ["POV"] = "point-of-view shot",
        ["INSERT"] = "insert shot",
        ["TWO"] = "two-shot",
    };
}
