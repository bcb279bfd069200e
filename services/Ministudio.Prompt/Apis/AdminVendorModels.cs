using Ministudio.Contracts.Vendors;

namespace Ministudio.Prompt.Apis;

public static partial class AdminApi
{
    /// <summary>One vendor model as the catalogue describes it, with its lifecycle state today.</summary>
    public sealed record VendorModelView(
        string Vendor, string Model, bool Default, string State, DateOnly? DeprecatedOn, DateOnly? RetiresOn, string? Replacement,
        IReadOnlyList<double> Durations, IReadOnlyList<string> AspectRatios, int MaxReferenceImages,
        decimal? PricePerSecondUsd, string? PriceSource, DateOnly? PriceCheckedOn, string? Docs, DateOnly? CheckedOn);

    /// <summary>GET /admin/v1/vendors: every vendor model in the catalogue and whether routing may use it (active, deprecated, retired).</summary>
    public static IReadOnlyList<VendorModelView> ListVendorModels(TimeProvider time)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return [.. VendorCatalogue.Shipped.Vendors.SelectMany(vendor => vendor.Value.Models.Select(model => new VendorModelView(
            vendor.Key, model.Key, model.Key == vendor.Value.DefaultModel, model.Value.StateOn(today).ToString().ToLowerInvariant(),
            model.Value.DeprecatedOn, model.Value.RetiresOn, model.Value.Replacement,
            model.Value.Durations, model.Value.AspectRatios, model.Value.MaxReferenceImages,
            model.Value.PricePerSecondUsd, model.Value.PriceSource, model.Value.PriceCheckedOn, vendor.Value.Docs, vendor.Value.CheckedOn)))];
    }
}
