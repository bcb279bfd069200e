using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;
using Ministudio.Dispatch.Providers.Vendors.Mock;

namespace Ministudio.Dispatch.Providers.Vendors;

public static class VendorRegistration
{
    /// <summary>
    /// Every video vendor: each <see cref="IVideoVendor{TOptions}"/> of this assembly under its provider name with options
    /// from <c>Dispatch:Vendors:{name}</c>, so a new vendor's folder registers itself (see docs/vendors.md). Adapters read
    /// their models and limits from the vendor catalogue (<see cref="CapabilityCatalogue"/>). Needs ClipDownloader,
    /// ShotInputs, TimeProvider and, for the mock, the render client.
    /// </summary>
    public static IServiceCollection AddVideoVendors(this IServiceCollection services)
    {
        services.TryAddSingleton<CapabilityCatalogue>();
        var register = typeof(VendorRegistration).GetMethod(nameof(AddVideoVendor))!;
        foreach (var type in typeof(VendorRegistration).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false }))
        {
            foreach (var vendor in type.GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IVideoVendor<>)))
                register.MakeGenericMethod(type, vendor.GetGenericArguments()[0]).Invoke(null, [services]);
        }
        // The mock calls no vendor; it only needs its options and the render client.
        services.AddOptions<MockOptions>().BindConfiguration($"Dispatch:Vendors:{MockProvider.ProviderName}");
        services.AddSingleton<IVideoProvider, MockProvider>();
        return services;
    }

    /// <summary>
    /// Registers a vendor adapter under its provider name: options from <c>Dispatch:Vendors:{name}</c>, a named
    /// HttpClient aimed at the vendor's base URL (by default the adapter's own), and the adapter itself.
    /// The standard resilience handler is left off: retries of a create call must be decided per vendor, not blindly.
    /// </summary>
    public static IServiceCollection AddVideoVendor<TProvider, TOptions>(this IServiceCollection services)
        where TProvider : class, IVideoVendor<TOptions>
        where TOptions : VendorOptions
    {
        var name = TProvider.ProviderName;
        services.AddOptions<TOptions>().BindConfiguration($"Dispatch:Vendors:{name}");
        services.AddHttpClient(name, (provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<TOptions>>().Value.BaseUrl ?? TProvider.DefaultBaseUrl;
                // Polling keeps requests short; downloads stream, so this bounds one request, not a whole shot.
                client.Timeout = TimeSpan.FromMinutes(5);
            })
            .WithoutStandardResilience();
        services.AddSingleton<IVideoProvider, TProvider>();
        return services;
    }
}
