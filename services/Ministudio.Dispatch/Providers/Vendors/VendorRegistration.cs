using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;
using Ministudio.Dispatch.Providers.Vendors.Fal;
using Ministudio.Dispatch.Providers.Vendors.Gemini;
using Ministudio.Dispatch.Providers.Vendors.Kling;
using Ministudio.Dispatch.Providers.Vendors.Luma;
using Ministudio.Dispatch.Providers.Vendors.MiniMax;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Ministudio.Dispatch.Providers.Vendors.Replicate;
using Ministudio.Dispatch.Providers.Vendors.Runway;
using Ministudio.Dispatch.Providers.Vendors.Veo;

namespace Ministudio.Dispatch.Providers.Vendors;

public static class VendorRegistration
{
    /// <summary>
    /// Every video vendor, each under its provider name with options from <c>Dispatch:Vendors:{name}</c>. Adding a vendor
    /// is one line here (see docs/vendors.md). Adapters read their models and limits from the vendor catalogue
    /// (<see cref="CapabilityCatalogue"/>). Needs ClipDownloader, ShotInputs, TimeProvider and, for the mock, the render
    /// client.
    /// </summary>
    public static IServiceCollection AddVideoVendors(this IServiceCollection services)
    {
        services.TryAddSingleton<CapabilityCatalogue>();
        services.AddVideoVendor<VeoProvider, VeoOptions>(VeoProvider.ProviderName, new Uri("https://us-central1-aiplatform.googleapis.com/"));
        services.AddVideoVendor<GeminiVeoProvider, GeminiOptions>(GeminiVeoProvider.ProviderName, GeminiVeoProvider.DefaultBaseUrl);
        services.AddVideoVendor<RunwayProvider, RunwayOptions>(RunwayProvider.ProviderName, RunwayProvider.DefaultBaseUrl);
        services.AddVideoVendor<LumaProvider, LumaOptions>(LumaProvider.ProviderName, LumaProvider.DefaultBaseUrl);
        services.AddVideoVendor<ReplicateProvider, ReplicateOptions>(ReplicateProvider.ProviderName, new Uri("https://api.replicate.com/"));
        services.AddVideoVendor<FalProvider, FalOptions>(FalProvider.ProviderName, new Uri("https://queue.fal.run/"));
        services.AddVideoVendor<KlingProvider, KlingOptions>(KlingProvider.ProviderName, new Uri("https://api-singapore.klingai.com/"));
        services.AddVideoVendor<MiniMaxProvider, MiniMaxOptions>(MiniMaxProvider.ProviderName, new Uri("https://api.minimax.io/"));
        // The mock calls no vendor; it only needs its options and the render client.
        services.AddOptions<MockOptions>().BindConfiguration($"Dispatch:Vendors:{MockVideoProvider.ProviderName}");
        services.AddSingleton<IVideoProvider, MockVideoProvider>();
        return services;
    }

    /// <summary>
    /// Registers a vendor adapter under <paramref name="name"/>: options from <c>Dispatch:Vendors:{name}</c>, a named
    /// HttpClient aimed at the vendor's base URL (default <paramref name="defaultBaseUrl"/>), and the adapter itself.
    /// The standard resilience handler is left off: retries of a create call must be decided per vendor, not blindly.
    /// </summary>
    public static IServiceCollection AddVideoVendor<TProvider, TOptions>(this IServiceCollection services, string name, Uri defaultBaseUrl)
        where TProvider : class, IVideoProvider
        where TOptions : VendorOptions
    {
        services.AddOptions<TOptions>().BindConfiguration($"Dispatch:Vendors:{name}");
        services.AddHttpClient(name, (provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<TOptions>>().Value.BaseUrl ?? defaultBaseUrl;
                // Polling keeps requests short; downloads stream, so this bounds one request, not a whole shot.
                client.Timeout = TimeSpan.FromMinutes(5);
            })
            .WithoutStandardResilience();
        services.AddSingleton<IVideoProvider, TProvider>();
        return services;
    }
}
