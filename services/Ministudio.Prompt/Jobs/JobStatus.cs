using Ministudio.Platform;

namespace Ministudio.Prompt.Jobs;

/// <summary>Job and shot states as the API shows them (lower-case words).</summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>Accepted beyond the plan's concurrent-job quota; starts (oldest first) when a slot frees.</summary>
    public const string Throttled = "throttled";

    /// <summary>Waited longer than the queue TTL; never started.</summary>
    public const string Expired = "expired";

    /// <summary>Nothing changes a job in these states any more.</summary>
    public static bool IsFinal(string status) => Final.Contains(status);

    public static readonly IReadOnlyList<string> Final = [Succeeded, Failed, Canceled, Expired];
}

/// <summary>Failure codes prompt itself assigns, and which failures are worth submitting again unchanged.</summary>
public static class JobFailures
{
    public const string QueueExpired = "job.queue_expired";

    /// <summary>Transient causes: the same request may well succeed later.</summary>
    private static readonly HashSet<string> Retryable =
        [QueueExpired, ProblemCodes.JobDeadlineExceeded.Code, "render.unavailable", "tts.unavailable", "tts.rate_limited", Platform.Tenancy.TenantVendorSecrets.ErrorCode, Platform.ArtifactStoreUnavailableException.Code];

    public static bool IsRetryable(string code) => Retryable.Contains(code);
}

/// <summary>Where a running job is: shots being produced, then the final composition.</summary>
public static class JobStage
{
    public const string Rendering = "rendering";
    public const string Composing = "composing";
    public const string Done = "done";
}
