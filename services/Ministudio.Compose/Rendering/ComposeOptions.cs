namespace Ministudio.Compose.Rendering;

/// <summary>Caps on one composition (Compose:MaxSeconds of wall time, Compose:Threads, Compose:MaxOutputBytes per file).</summary>
public sealed record ComposeOptions(TimeSpan MaxDuration, int Threads, long MaxOutputBytes = ComposeOptions.DefaultMaxOutputBytes)
{
    public const long DefaultMaxOutputBytes = 4L << 30;

    public static ComposeOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Compose:MaxSeconds", 600)),
        configuration.GetValue("Compose:Threads", Environment.ProcessorCount),
        configuration.GetValue("Compose:MaxOutputBytes", DefaultMaxOutputBytes));
}
