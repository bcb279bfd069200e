namespace Ministudio.Dispatch.Providers.Vendors.Gemini;

/// <summary>Gemini Omni through the Gemini API's Interactions API (<c>Dispatch:Vendors:gemini</c>): ApiKey is a Gemini API key.</summary>
public sealed class GeminiOptions : VendorOptions;
