using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Tests;

/// <summary>Per-vendor resilience settings: named options, one per vendor, bound and validated like every section.</summary>
public sealed class VendorResilienceTests
{
    private static IOptionsMonitor<VendorResilienceOptions> Settings(params (string Key, string Value)[] values) =>
        LedgerDatabase.ResilienceOf(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build());

    [Fact]
    public void Each_vendor_reads_its_own_section_and_the_rest_keep_the_defaults()
    {
        var settings = Settings(("Dispatch:Vendors:veo:Resilience:MaxConcurrency", "3"), ("Dispatch:Vendors:veo:Resilience:Cooldown", "00:02:00"));
        Assert.Equal((3, TimeSpan.FromMinutes(2)), (settings.Get("veo").MaxConcurrency, settings.Get("veo").Cooldown));
        Assert.Equal(new VendorResilienceOptions().MaxConcurrency, settings.Get("runway").MaxConcurrency);
    }

    [Theory]
    [InlineData("MaxConcurrency", "0")]
    [InlineData("FailureRatio", "1.5")]
    [InlineData("AttemptTimeout", "00:00:00")]
    public void A_setting_that_cannot_work_is_refused_with_the_section_named(string key, string value)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Settings(($"Dispatch:Vendors:luma:Resilience:{key}", value)).Get("luma"));
        Assert.Contains("Dispatch:Vendors:{vendor}:Resilience", failure.Message);
    }
}
