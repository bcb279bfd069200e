using Ministudio.Prompt.Jobs;

namespace Ministudio.Prompt.Batches;

/// <summary>
/// A batch's state, derived at read time from its items and their jobs, so it can never lag behind them. Lines are
/// validated inside the POST, so a stored batch starts out running; there is no separate validating state.
/// </summary>
public static class BatchStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string PartiallySucceeded = "partially_succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>SQL predicate on a job status column: the job has not finished (written after the column).</summary>
    internal const string JobUnfinishedSql = $"NOT IN ('{JobStatus.Succeeded}', '{JobStatus.Failed}', '{JobStatus.Canceled}', '{JobStatus.Expired}')";

    public static string Of(BatchCounts counts, bool canceled) =>
        canceled ? Canceled
        : counts.Queued + counts.Running > 0 ? Running
        : counts.Succeeded == counts.Total ? Succeeded
        : counts.Succeeded == 0 ? Failed
        : PartiallySucceeded;
}

/// <summary>Where one line of a batch is before (and instead of) having a job.</summary>
public static class BatchItemStatus
{
    /// <summary>Validated, waiting for the scheduler to make it a job.</summary>
    public const string Pending = "pending";

    /// <summary>A job exists (batch_items.job_id); the job's own status says the rest.</summary>
    public const string Admitted = "admitted";

    /// <summary>The batch was canceled before the item became a job.</summary>
    public const string Canceled = "canceled";

    /// <summary>Failed validation and skipped (<c>?onInvalid=skip</c>); kept for the report and the results file.</summary>
    public const string Invalid = "invalid";
}

/// <summary>What to do with a batch whose lines are not all valid.</summary>
public static class OnInvalid
{
    /// <summary>Default: refuse the whole batch with 400 listing every invalid line; nothing is stored.</summary>
    public const string Reject = "reject";

    /// <summary>Run the valid lines; the invalid ones are reported and kept as invalid items.</summary>
    public const string Skip = "skip";
}
