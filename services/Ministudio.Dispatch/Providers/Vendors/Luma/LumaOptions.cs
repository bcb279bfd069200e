namespace Ministudio.Dispatch.Providers.Vendors.Luma;

/// <summary>Luma settings (<c>Dispatch:Vendors:luma</c>): ApiKey is a Luma API key.</summary>
public sealed class LumaOptions : VendorOptions
{
    /// <summary>Where Luma POSTs state changes, when set; dispatch still polls for the outcome.</summary>
    public Uri? CallbackUrl { get; set; }
}
