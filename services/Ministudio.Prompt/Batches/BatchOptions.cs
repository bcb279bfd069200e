namespace Ministudio.Prompt.Batches;

/// <summary>Configuration section <c>Batches</c>.</summary>
public sealed class BatchOptions
{
    public const string Section = "Batches";

    /// <summary>A batch is at most this many films (non-blank lines); more is refused with 413 before anything is stored.</summary>
    public const int MaxLines = 10_000;

    /// <summary>
    /// The most bytes a batch body may have; the body is read as a stream and refused with 413 past this. The default
    /// stays under Kestrel's default request limit (about 28.6 MiB) that the gateway in front applies.
    /// </summary>
    public long MaxBodyBytes { get; set; } = 25L * 1024 * 1024;

    /// <summary>How many jobs a tenant's batches may have unfinished at once; the rest of their items wait.</summary>
    public int MaxActiveJobsPerTenant { get; set; } = 4;

    /// <summary>How often the scheduler looks for items to admit (jobs finishing free room; no message says so).</summary>
    public TimeSpan AdmissionInterval { get; set; } = TimeSpan.FromSeconds(1);
}
