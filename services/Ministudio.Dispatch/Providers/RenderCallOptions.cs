namespace Ministudio.Dispatch.Providers;

/// <summary>How dispatch calls its own render service, which may be away for a moment (a crash, a restart, a roll-out).</summary>
public sealed class RenderCallOptions
{
    public const string Section = "Dispatch:Render";

    /// <summary>A render service that is away is called again for this long before the shot fails with render.unavailable.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The first wait between calls; it doubles, up to 8 s.</summary>
    public TimeSpan FirstBackOff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// HTTP/2 pings while a render streams: a connection whose far end died without closing it (a killed render behind
    /// a proxy) fails after one unanswered ping, instead of holding the shot, and a consumer slot, forever.
    /// </summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid => RetryFor >= TimeSpan.Zero && FirstBackOff > TimeSpan.Zero && KeepAlive > TimeSpan.Zero;
}
