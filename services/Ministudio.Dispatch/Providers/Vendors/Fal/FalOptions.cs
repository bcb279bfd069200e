namespace Ministudio.Dispatch.Providers.Vendors.Fal;

/// <summary>fal queue settings (<c>Dispatch:Vendors:fal</c>); Model is the text-to-video endpoint id.</summary>
public sealed class FalOptions : VendorOptions
{
    /// <summary>The endpoint for shots that start from a given frame; without it such shots are refused.</summary>
    public string? ImageToVideoModel { get; set; }

    /// <summary>Clip lengths the endpoints make (fal's Kling and Veo family take "5"/"10"-style strings).</summary>
    public List<int> AllowedDurations { get; set; } = [5, 10];
}
