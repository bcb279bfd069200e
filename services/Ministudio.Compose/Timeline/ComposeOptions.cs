namespace Ministudio.Compose.Timeline;

/// <summary>Caps on one ffmpeg run (Compose:MaxSeconds, Compose:Threads).</summary>
public sealed record ComposeOptions(TimeSpan MaxDuration, int Threads)
{
    public static ComposeOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Compose:MaxSeconds", 600)),
        configuration.GetValue("Compose:Threads", Environment.ProcessorCount));
}
