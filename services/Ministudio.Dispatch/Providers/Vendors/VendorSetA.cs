using Ministudio.Dispatch.Providers.Vendors.Gemini;
using Ministudio.Dispatch.Providers.Vendors.Luma;
using Ministudio.Dispatch.Providers.Vendors.Runway;
using Ministudio.Dispatch.Providers.Vendors.Sora;
using Ministudio.Dispatch.Providers.Vendors.Veo;

namespace Ministudio.Dispatch.Providers.Vendors;

public static class VendorSetA
{
    /// <summary>Google Veo (Vertex AI and Gemini API), OpenAI Sora, Runway and Luma, each under its provider name.</summary>
    public static IServiceCollection AddVendorSetA(this IServiceCollection services) => services
        .AddVideoVendor<VeoProvider, VeoOptions>(VeoProvider.ProviderName, new Uri("https://us-central1-aiplatform.googleapis.com/"))
        .AddVideoVendor<GeminiVeoProvider, GeminiOptions>(GeminiVeoProvider.ProviderName, GeminiVeoProvider.DefaultBaseUrl)
        .AddVideoVendor<SoraProvider, SoraOptions>(SoraProvider.ProviderName, SoraProvider.DefaultBaseUrl)
        .AddVideoVendor<RunwayProvider, RunwayOptions>(RunwayProvider.ProviderName, RunwayProvider.DefaultBaseUrl)
        .AddVideoVendor<LumaProvider, LumaOptions>(LumaProvider.ProviderName, LumaProvider.DefaultBaseUrl);
}
