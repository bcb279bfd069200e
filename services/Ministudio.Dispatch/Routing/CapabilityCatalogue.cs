using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;

namespace Ministudio.Dispatch.Routing;

/// <summary>
/// Dispatch's view of the vendor catalogue (<see cref="VendorCatalogue.Shipped"/>, from contracts/): what each vendor
/// model makes, costs and how long it lives. A deployment may replace a vendor's entry whole under
/// <c>Dispatch:Catalogue:{vendor}</c> (binding would otherwise merge lists) and a chain under <c>Dispatch:Chains:{name}</c>.
/// Routing, the adapters and billing all read it, so the model that is checked and priced is the model that is called.
/// </summary>
public sealed class CapabilityCatalogue
{
    private readonly Dictionary<string, VendorEntry> _vendors;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;

    public CapabilityCatalogue(IConfiguration configuration, TimeProvider? time = null)
    {
        _configuration = configuration;
        _time = time ?? TimeProvider.System;
        _vendors = new(VendorCatalogue.Shipped.Vendors, StringComparer.Ordinal);
        foreach (var vendor in configuration.GetSection("Dispatch:Catalogue").GetChildren())
            _vendors[vendor.Key] = vendor.Get<VendorEntry>() ?? new VendorEntry();
    }

    public DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    public IReadOnlyDictionary<string, VendorEntry> Vendors => _vendors;

    /// <summary>The vendors a chain routes along, in order (configuration first, then the catalogue's); null when it is no chain.</summary>
    public IReadOnlyList<string>? Chain(string name) =>
        _configuration.GetSection($"Dispatch:Chains:{name}").Get<string[]>() is { Length: > 0 } configured ? configured
        : VendorCatalogue.Shipped.Chains.GetValueOrDefault(name);

    /// <summary>The model a vendor will be asked for for this shot (the catalogue's rule, with <c>Dispatch:Vendors:{vendor}:Model</c>) and its entry.</summary>
    public (string Model, VendorModel? Capabilities) ModelOf(string vendor, ShotRequest request)
    {
        var configured = _configuration[$"Dispatch:Vendors:{vendor}:Model"];
        var entry = _vendors.GetValueOrDefault(vendor);
        var model = entry?.ModelFor(request, configured) ?? configured ?? vendor;
        return (model, entry?.Models.GetValueOrDefault(model));
    }

    /// <summary>
    /// For an adapter: the model to call for this shot (by the same rule as routing) and its limits. A model the
    /// catalogue does not know, or one that is retired, is never called.
    /// </summary>
    public (string Model, VendorModel Limits) Resolve(string vendor, ShotRequest request, string? configuredModel)
    {
        var entry = _vendors.GetValueOrDefault(vendor);
        var model = entry?.ModelFor(request, configuredModel) ?? configuredModel ?? vendor;
        var limits = entry?.Models.GetValueOrDefault(model)
            ?? throw new ProviderException(ProviderErrors.InvalidRequest, $"{vendor} model {model} is not in the vendor catalogue.", retryable: false);
        if (limits.StateOn(Today) == ModelState.Retired)
            throw new ProviderException(ProviderErrors.Retired, $"{vendor} model {model} was retired on {limits.RetiresOn:yyyy-MM-dd}.", retryable: false);
        return (model, limits);
    }

    /// <summary>The limits of a model the catalogue knows (for adapters whose models are configurable and may not be in it).</summary>
    public VendorModel? Model(string vendor, string model) => _vendors.GetValueOrDefault(vendor)?.Models.GetValueOrDefault(model);

    /// <summary>The price of a model the vendor reported it used, when the catalogue knows it.</summary>
    public decimal? PriceOf(string vendor, string model) => Model(vendor, model)?.PricePerSecondUsd;

    /// <summary>The seconds the vendor bills for a shot: the catalogue's duration rule, as the adapter snapped it.</summary>
    public static double BilledSeconds(VendorModel model, ShotRequest request, double seconds) =>
        model.SnapDuration(seconds, model.AllowedDurations(request)) ?? seconds;
}
