namespace Ministudio.Dispatch.Providers.Vendors.Runway;

/// <summary>Runway settings (<c>Dispatch:Vendors:runway</c>): ApiKey is a Runway API secret.</summary>
public sealed class RunwayOptions : VendorOptions
{
    /// <summary>The API version every request names in X-Runway-Version.</summary>
    public string ApiVersion { get; set; } = "2024-11-06";
}
