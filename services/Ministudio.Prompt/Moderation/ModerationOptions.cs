namespace Ministudio.Prompt.Moderation;

/// <summary>
/// Content moderation before any vendor spend (section <c>Moderation</c>): term lists for every tenant and per plan,
/// and, when an API key is set, OpenAI's moderation endpoint.
/// </summary>
public sealed class ModerationOptions
{
    public const string Section = "Moderation";

    /// <summary>Refused in every tenant's prompts (whole words, any case).</summary>
    public List<string> BlockedTerms { get; set; } = [];

    /// <summary>Refused in the prompts of tenants on a plan: <c>Moderation:Plans:{plan}:BlockedTerms</c>.</summary>
    public Dictionary<string, PlanPolicy> Plans { get; set; } = new(StringComparer.Ordinal);

    public OpenAiModeration OpenAi { get; set; } = new();

    public sealed class PlanPolicy
    {
        public List<string> BlockedTerms { get; set; } = [];
    }

    public sealed class OpenAiModeration
    {
        /// <summary>Unset: the API is not called (the term lists still apply).</summary>
        public string? ApiKey { get; set; }

        public Uri BaseUrl { get; set; } = new("https://api.openai.com/");

        public string Model { get; set; } = "omni-moderation-latest";

        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
    }
}
