using Ministudio.Contracts.Vendors;

namespace Ministudio.Dispatch.Tests;

/// <summary>The shipped vendor catalogue (contracts/…/vendors.json) is consistent with itself and with the calendar.</summary>
public sealed class VendorCatalogueTests
{
    private static readonly VendorCatalogue Catalogue = VendorCatalogue.Shipped;
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public void No_chain_routes_to_a_retired_model_or_an_unknown_vendor()
    {
        foreach (var (chain, members) in Catalogue.Chains)
        {
            Assert.NotEmpty(members);
            foreach (var vendor in members)
            {
                Assert.True(Catalogue.Vendors.ContainsKey(vendor), $"chain {chain} names {vendor}, which the catalogue does not list");
                var (model, entry) = Catalogue.DefaultOf(vendor);
                Assert.True(entry is not null, $"{vendor}'s default model {model} is not listed");
                Assert.NotEqual(ModelState.Retired, entry.StateOn(Today));
            }
        }
    }

    [Fact]
    public void Sora_is_retired_and_names_a_chain_to_ask_for_instead()
    {
        var (_, sora) = Catalogue.DefaultOf("sora");
        Assert.Equal(ModelState.Retired, sora!.StateOn(Today));
        Assert.Equal(new DateOnly(2026, 9, 24), sora.RetiresOn);
        Assert.Contains(sora.Replacement!, Catalogue.Chains.Keys);
        Assert.DoesNotContain(Catalogue.Chains.Values, members => members.Contains("sora"));
    }

    [Fact]
    public void Every_model_says_how_long_its_clips_are_and_every_price_names_its_source_and_date()
    {
        foreach (var (vendor, entry) in Catalogue.Vendors)
        {
            Assert.True(entry.Models.ContainsKey(entry.DefaultModel), $"{vendor}'s default model is not listed");
            Assert.False(string.IsNullOrWhiteSpace(entry.Docs), $"{vendor} names no documentation");
            Assert.NotNull(entry.CheckedOn);
            foreach (var name in new[] { entry.TextToVideoModel, entry.ReferenceModel }.OfType<string>())
                Assert.True(entry.Models.ContainsKey(name), $"{vendor} routes shots to {name}, which it does not list");
            foreach (var (name, model) in entry.Models)
            {
                Assert.True(model.Durations.Count > 0 || model.MaxDurationSeconds > 0, $"{vendor} {name} has no lengths");
                if (model.PricePerSecondUsd is not null)
                    Assert.True(model.PriceSource is { Length: > 0 } && model.PriceCheckedOn is not null, $"{vendor} {name}'s price has no source or date");
                if (model.RetiresOn is not null)
                    Assert.True(model.Replacement is { } replacement && (Catalogue.Vendors.ContainsKey(replacement) || Catalogue.Chains.ContainsKey(replacement)),
                        $"{vendor} {name} retires without a replacement a film can ask for");
            }
        }
    }

    [Theory]
    [InlineData(3, false, 720, 4.0)]
    [InlineData(4.5, false, 720, 6.0)]
    [InlineData(6, false, 720, 6.0)]
    [InlineData(5, true, 720, 8.0)]
    [InlineData(5, false, 1080, 8.0)]
    [InlineData(9, false, 720, null)]
    public void Veo_snaps_up_and_makes_only_8_second_clips_with_references_or_above_720p(double seconds, bool references, int shortSide, double? expected)
    {
        var veo = Catalogue.Model("veo", "veo-3.1-generate-001")!;
        Assert.Equal(expected, veo.SnapDuration(seconds, veo.AllowedDurations(references, shortSide)));
    }
}
