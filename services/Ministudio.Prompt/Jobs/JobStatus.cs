namespace Ministudio.Prompt.Jobs;

/// <summary>Job and shot states as the API shows them (lower-case words).</summary>
public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>Nothing changes a job in these states any more.</summary>
    public static bool IsFinal(string status) => status is Succeeded or Failed or Canceled;
}

/// <summary>Where a running job is: shots being produced, then the final composition.</summary>
public static class JobStage
{
    public const string Rendering = "rendering";
    public const string Composing = "composing";
    public const string Done = "done";
}
