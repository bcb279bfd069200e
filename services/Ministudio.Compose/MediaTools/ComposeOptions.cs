using System.Globalization;

namespace Ministudio.Compose.MediaTools;

/// <summary>Caps on one composition (Compose:MaxSeconds of wall time, Compose:Threads, Compose:MaxOutputBytes per file).</summary>
public sealed record ComposeOptions(TimeSpan MaxDuration, int Threads, long MaxOutputBytes = ComposeOptions.DefaultMaxOutputBytes)
{
    public const long DefaultMaxOutputBytes = 4L << 30;

    public static ComposeOptions From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Compose:MaxSeconds", 600)),
        configuration.GetValue("Compose:Threads", Environment.ProcessorCount),
        configuration.GetValue("Compose:MaxOutputBytes", DefaultMaxOutputBytes));

    /// <summary>Threads as ffmpeg's -threads value.</summary>
    public string ThreadsArgument => Threads.ToString(CultureInfo.InvariantCulture);

    /// <summary>MaxOutputBytes as ffmpeg's -fs value.</summary>
    public string MaxBytesArgument => MaxOutputBytes.ToString(CultureInfo.InvariantCulture);
}
