using System.Globalization;

namespace Ministudio.Compose.MediaTools;

/// <summary>Caps on one composition (Compose:MaxSeconds of wall time, Compose:Threads, Compose:MaxOutputBytes per file).</summary>
public sealed class ComposeOptions
{
    public const string Section = "Compose";
    public const long DefaultMaxOutputBytes = 4L << 30;

    public ComposeOptions()
    {
    }

    public ComposeOptions(TimeSpan maxDuration, int threads, long maxOutputBytes = DefaultMaxOutputBytes) =>
        (MaxSeconds, Threads, MaxOutputBytes) = (maxDuration.TotalSeconds, threads, maxOutputBytes);

    /// <summary>Wall time one composition may take before it is stopped.</summary>
    public double MaxSeconds { get; set; } = 600;

    public int Threads { get; set; } = Environment.ProcessorCount;

    public long MaxOutputBytes { get; set; } = DefaultMaxOutputBytes;

    /// <summary>
    /// Films one instance composes at once. One keeps every core on one encode; more helps when films are short and
    /// most of a composition is waiting on its many small ffmpeg runs (batches of short films).
    /// </summary>
    public int MaxConcurrentFilms { get; set; } = 1;

    public TimeSpan MaxDuration => TimeSpan.FromSeconds(MaxSeconds);

    public bool IsValid => MaxSeconds > 0 && Threads > 0 && MaxOutputBytes > 0 && MaxConcurrentFilms is > 0 and <= 16;

    /// <summary>Threads as ffmpeg's -threads value.</summary>
    public string ThreadsArgument => Threads.ToString(CultureInfo.InvariantCulture);

    /// <summary>MaxOutputBytes as ffmpeg's -fs value.</summary>
    public string MaxBytesArgument => MaxOutputBytes.ToString(CultureInfo.InvariantCulture);
}
