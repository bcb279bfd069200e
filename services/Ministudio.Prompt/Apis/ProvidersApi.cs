using Ministudio.Contracts.Vendors;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Apis;

/// <summary><c>GET /v1/providers</c>: what a film may name as its provider, read from the vendor catalogue.</summary>
public static class ProvidersApi
{
    /// <summary>The chains films may name, then every vendor a film may ask for today (retired ones left out).</summary>
    public sealed record ProviderChoices(IReadOnlyList<string> Chains, IReadOnlyList<string> Vendors);

    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/providers", (TimeProvider time) => TypedResults.Ok(Choices(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)))).WithTags("Films");
        return app;
    }

    /// <summary>The same names the film validator accepts (<see cref="VendorProfiles.All"/>), without those it would refuse as retired.</summary>
    public static ProviderChoices Choices(DateOnly today)
    {
        var chains = VendorCatalogue.Shipped.Chains.Keys.Where(VendorProfiles.All.ContainsKey).ToList();
        var vendors = VendorProfiles.All.Keys.Where(name => !chains.Contains(name) && VendorProfiles.Retirement(name, today) is null).ToList();
        return new ProviderChoices(chains, vendors);
    }
}
