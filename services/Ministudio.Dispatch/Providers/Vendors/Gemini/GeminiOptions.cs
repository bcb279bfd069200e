namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

/// <summary>Veo on the Gemini API (<c>Dispatch:Vendors:gemini</c>): ApiKey is a Gemini API key.</summary>
public sealed class GeminiOptions : VendorOptions;
