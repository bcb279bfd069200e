using Ministudio.Dispatch.Providers.Vendors.Fal;
using Ministudio.Dispatch.Providers.Vendors.Kling;
using Ministudio.Dispatch.Providers.Vendors.MiniMax;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Ministudio.Dispatch.Providers.Vendors.Replicate;

namespace Ministudio.Dispatch.Providers.Vendors;

public static class VendorSetB
{
    /// <summary>Replicate, fal, Kling, MiniMax and the offline mock vendor, each under its own name and options.</summary>
    public static IServiceCollection AddVendorSetB(this IServiceCollection services)
    {
        services.AddVideoVendor<ReplicateProvider, ReplicateOptions>(ReplicateProvider.ProviderName, new Uri("https://api.replicate.com/"));
        services.AddVideoVendor<FalProvider, FalOptions>(FalProvider.ProviderName, new Uri("https://queue.fal.run/"));
        services.AddVideoVendor<KlingProvider, KlingOptions>(KlingProvider.ProviderName, new Uri("https://api-singapore.klingai.com/"));
        services.AddVideoVendor<MiniMaxProvider, MiniMaxOptions>(MiniMaxProvider.ProviderName, new Uri("https://api.minimax.io/"));
        // The mock calls no vendor; it only needs its options and the render client.
        services.AddOptions<MockOptions>().BindConfiguration($"Dispatch:Vendors:{MockVideoProvider.ProviderName}");
        services.AddSingleton<IVideoProvider, MockVideoProvider>();
        return services;
    }
}
