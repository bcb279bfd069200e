namespace Ministudio.Prompt.Networking;

/// <summary>Networking:Ssrf settings for every fetch of a URL a tenant supplied.</summary>
public sealed class SsrfGuardOptions
{
    public const string Section = "Networking:Ssrf";

    private static readonly int[] DefaultPorts = [80, 443, 8080, 8443];

    /// <summary>
    /// Ports a tenant URL may name; anything else is refused before any connection is made. Null means 80, 443, 8080
    /// and 8443 (a default array would be appended to, not replaced, by configuration binding).
    /// </summary>
    public int[]? AllowedPorts { get; set; }

    public IReadOnlyList<int> Ports => AllowedPorts ?? DefaultPorts;

    /// <summary>
    /// Tests and local development only: lets URLs reach loopback addresses (on any port), so a receiver on 127.0.0.1 works.
    /// Off by default; private, link-local and every other special range stay blocked either way.
    /// </summary>
    public bool AllowLoopback { get; set; }

    public int MaxRedirects { get; set; } = 3;

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
