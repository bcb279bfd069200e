using System.ComponentModel.DataAnnotations;

namespace Ministudio.Platform.Trust;

/// <summary>
/// The key the services share to sign and verify <see cref="ServiceAssertion"/>s (section <c>ServiceTrust</c>).
/// Rotation without downtime: set the new key as <see cref="SigningKey"/> and the old one as
/// <see cref="PreviousKey"/> everywhere, roll out, then drop <see cref="PreviousKey"/> once every replica signs with the
/// new key (assertions live <see cref="Lifetime"/>, so one lifetime after the roll-out is enough).
/// </summary>
public sealed class ServiceTrustOptions
{
    public const string Section = "ServiceTrust";

    /// <summary>The one required key, named in full so start-up fails with its name when it is missing.</summary>
    public const string SigningKeyKey = "ServiceTrust:SigningKey";

    /// <summary>At least 32 characters of secret; the same value in every service.</summary>
    [Required, MinLength(MinimumKeyLength)]
    public string SigningKey { get; set; } = "";

    /// <summary>Still accepted for verification while a rotation rolls out; never used to sign.</summary>
    [MinLength(MinimumKeyLength)]
    public string? PreviousKey { get; set; }

    /// <summary>How long an assertion is valid after it is minted: one hop, so seconds are plenty.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Clock difference tolerated between replicas.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    public const int MinimumKeyLength = 32;
}
