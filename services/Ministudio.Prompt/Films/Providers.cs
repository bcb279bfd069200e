namespace Ministudio.Prompt.Films;

/// <summary>
/// Providers a film may name: a vendor, or a chain dispatch routes along (its Dispatch:Chains). Every profiled vendor
/// can be compiled for (dry run); a job is accepted only for providers dispatch can route.
/// </summary>
public static class Providers
{
    public const string Local = "local";

    public static readonly IReadOnlySet<string> Dispatchable = new HashSet<string>(StringComparer.Ordinal)
    {
        Local, "mock", "veo", "gemini", "sora", "runway", "luma", "replicate", "fal", "kling", "minimax",
        "auto", "premium", "standard", "economy",
    };
}
