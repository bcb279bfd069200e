namespace Ministudio.Prompt.Films;

/// <summary>Providers a film may name: a vendor, or a chain dispatch routes along (its Dispatch:Chains); see VendorProfiles.</summary>
public static class Providers
{
    public const string Local = "local";
}
