namespace Ministudio.Dispatch.Providers.Vendors.MiniMax;

/// <summary>MiniMax (Hailuo) settings (<c>Dispatch:Vendors:minimax</c>).</summary>
public sealed class MiniMaxOptions : VendorOptions
{
    /// <summary>Let MiniMax rewrite the prompt; off by default because ours is already compiled for the shot.</summary>
    public bool PromptOptimizer { get; set; }

    /// <summary>The model that takes character reference images (subject_reference); other models ignore references.</summary>
    public string SubjectReferenceModel { get; set; } = "S2V-01";
}
