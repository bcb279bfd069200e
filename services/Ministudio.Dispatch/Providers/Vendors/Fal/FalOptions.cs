namespace Ministudio.Dispatch.Providers.Vendors.Fal;

/// <summary>fal queue settings (<c>Dispatch:Vendors:fal</c>); Model is the text-to-video endpoint id (default: the catalogue's).</summary>
public sealed class FalOptions : VendorOptions
{
    /// <summary>The endpoint for shots that start from a given frame; without it such shots are refused.</summary>
    public string? ImageToVideoModel { get; set; }

    /// <summary>
    /// Clip lengths of configured endpoints the vendor catalogue does not list, sent as strings; empty means 5 and 10
    /// (the Kling family on fal). Empty by default because configuration binding appends to a list instead of replacing it.
    /// </summary>
    public List<int> AllowedDurations { get; set; } = [];

    public IReadOnlyCollection<int> EffectiveDurations => AllowedDurations.Count > 0 ? AllowedDurations : [5, 10];
}
