namespace Ministudio.Prompt.Films;

/// <summary>The provider a film gets when it names none; the others (vendors and chains) come from the vendor catalogue, see VendorProfiles.</summary>
public static class Providers
{
    public const string Local = "local";
}
