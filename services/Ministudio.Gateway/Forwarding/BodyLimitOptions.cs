namespace Ministudio.Gateway.Forwarding;

/// <summary>The largest request body the gateway forwards: above every service's own limit (batches: 25 MiB).</summary>
public sealed class BodyLimitOptions
{
    public const string Section = "Gateway:Limits";

    public long MaxRequestBodyBytes { get; set; } = 30L * 1024 * 1024;
}
