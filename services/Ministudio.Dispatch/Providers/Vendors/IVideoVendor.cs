namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// A video vendor's adapter, which <see cref="VendorRegistration.AddVideoVendors"/> finds and registers by itself: under
/// <see cref="ProviderName"/> (its catalogue entry, its options section <c>Dispatch:Vendors:{name}</c> bound to
/// <typeparamref name="TOptions"/>, its HttpClient), with the client aimed at <see cref="DefaultBaseUrl"/> unless the
/// options name another. Adding a vendor is its folder alone.
/// </summary>
public interface IVideoVendor<TOptions> : IVideoProvider where TOptions : VendorOptions
{
    static abstract string ProviderName { get; }

    static abstract Uri DefaultBaseUrl { get; }
}
