namespace Ministudio.Prompt.Films;

/// <summary>Shot sizes by their industry abbreviations, rendered as words in prompts.</summary>
public static class ShotTypes
{
    public static readonly IReadOnlyDictionary<string, string> Known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
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
    };

    public static string? Words(string? shotType) => shotType is not null && Known.TryGetValue(shotType, out var words) ? words : null;
}
