using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Gateway.Tests;

/// <summary>The API key format the gateway checks locally: typed prefix, 192-bit base62 secret, CRC-32 checksum.</summary>
public sealed class ApiKeyFormatTests
{
    [Theory]
    [InlineData(ApiKeys.Live)]
    [InlineData(ApiKeys.Test)]
    [InlineData(ApiKeys.Development)]
    public void Generated_keys_are_well_formed_typed_and_distinct(string type)
    {
        var keys = Enumerable.Range(0, 200).Select(_ => ApiKeys.Generate(type)).ToList();
        Assert.All(keys, key =>
        {
            Assert.Matches($"^ms_{type}_[0-9A-Za-z]{{39}}$", key);
            Assert.True(ApiKeys.IsWellFormed(key));
        });
        Assert.Equal(keys.Count, keys.Distinct().Count());
        // 24 random bytes: even the six secret characters of the display prefix almost never repeat.
        Assert.True(keys.Select(ApiKeys.DisplayPrefixOf).Distinct().Count() > 190);
    }

    [Fact]
    public void Any_single_character_change_breaks_the_checksum()
    {
        var key = ApiKeys.Generate(ApiKeys.Live);
        for (var i = "ms_live_".Length; i < key.Length; i++)
        {
            var changed = key[..i] + (key[i] == 'x' ? 'y' : 'x') + key[(i + 1)..];
            Assert.False(ApiKeys.IsWellFormed(changed), $"Changing position {i} went unnoticed: {changed}");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ms_live_")]
    [InlineData("ms_prod_0123456789ABCDEFGHIJKLMNOPQRSTUVWabcdef")]
    [InlineData("ms_dev_00000000000000000000000000000000")]
    public void Other_strings_are_not_keys(string? candidate) => Assert.False(ApiKeys.IsWellFormed(candidate));

    [Fact]
    public void A_key_changes_type_only_by_failing_its_checksum()
    {
        var key = ApiKeys.Generate(ApiKeys.Test);
        Assert.False(ApiKeys.IsWellFormed("ms_live_" + key["ms_test_".Length..]));
    }

    [Fact]
    public void The_display_prefix_is_the_type_and_six_secret_characters()
    {
        var key = ApiKeys.Generate(ApiKeys.Live);
        Assert.Equal(key[..14], ApiKeys.DisplayPrefixOf(key));
    }
}
