namespace Ministudio.Dispatch.Providers.Vendors.MiniMax;

/// <summary>MiniMax (Hailuo) settings (<c>Dispatch:Vendors:minimax</c>).</summary>
public sealed class MiniMaxOptions : VendorOptions
{
    /// <summary>Let MiniMax rewrite the prompt; off by default because ours is already compiled for the shot.</summary>
    public bool PromptOptimizer { get; set; }

    /// <summary>
    /// Clip lengths the model makes; empty means 6 and 10 (Hailuo). Empty by default because configuration binding
    /// appends to a list instead of replacing it.
    /// </summary>
    public List<int> AllowedDurations { get; set; } = [];

    public IReadOnlyCollection<int> EffectiveDurations => AllowedDurations.Count > 0 ? AllowedDurations : [6, 10];

    /// <summary>The model that takes character reference images (subject_reference); other models ignore references.</summary>
    public string SubjectReferenceModel { get; set; } = "S2V-01";
}
