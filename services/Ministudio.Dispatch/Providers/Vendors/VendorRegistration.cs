using Microsoft.Extensions.Options;

namespace Ministudio.Dispatch.Providers.Vendors;

public static class VendorRegistration
{
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
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental but the only way to undo the defaults for one client.
        services.AddHttpClient(name, (provider, client) =>
            {
                client.BaseAddress = provider.GetRequiredService<IOptions<TOptions>>().Value.BaseUrl ?? defaultBaseUrl;
                // Polling keeps requests short; downloads stream, so this bounds one request, not a whole shot.
                client.Timeout = TimeSpan.FromMinutes(5);
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        services.AddSingleton<IVideoProvider, TProvider>();
        return services;
    }
}
