using System.Text.Json.Serialization;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Jobs;

/// <summary>A job as <c>GET /v1/jobs/{id}</c> shows it; <c>Deliverables</c> lists every file it can be downloaded as.</summary>
public sealed record JobView(
    Guid Id,
    string Title,
    string Status,
    string Stage,
    double Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<ShotView> Shots,
    IReadOnlyList<CompileWarning> Warnings,
    VideoView? Video,
    JobError? Error,
    IReadOnlyList<DeliverableView>? Deliverables = null);

/// <summary>
/// A shot of a job. <c>Shot</c> is the film's shot it makes; a shot longer than its provider makes is several rows,
/// its <c>Part</c>s 1 to <c>Parts</c>. <c>State</c>: the characters' and environment's state in force during it.
/// </summary>
public sealed record ShotView(
    int Index,
    string Status,
    double Progress,
    bool FromCache,
    string? Provider,
    double? DurationSeconds,
    string Prompt,
    JobError? Error,
    int Chain,
    string? ClipSha256,
    int Shot = 0,
    int Part = 1,
    int Parts = 1,
    ShotState? State = null)
{
    /// <summary>A shot just stored: what a read of its row finds before anything has happened to it.</summary>
    public static ShotView Queued(CompiledShot shot) => new(
        shot.Index, JobStatus.Queued, Progress: 0, FromCache: false, shot.Request.Provider, DurationSeconds: null, shot.Prompt, Error: null,
        shot.Chain, ClipSha256: null, shot.Shot, shot.Part, shot.Parts, shot.State);
}

public sealed record VideoView(string Url, string Sha256, double DurationSeconds);

/// <summary>Why a job or shot failed; <paramref name="Retryable"/>: submitting the same film again may succeed.</summary>
public sealed record JobError(string Code, string Message, bool Retryable)
{
    public static JobError Of(string code, string message) => new(code, message, JobFailures.IsRetryable(code));
}

/// <summary>The data of a job event: the job's final state, with its video or its error.</summary>
public sealed record JobEventData(
    Guid JobId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] VideoView? Video = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JobError? Error = null);

/// <summary>A job in the tenant's list: enough to show its state without its shots.</summary>
public sealed record JobSummary(Guid Id, string Title, string Status, string Stage, double Progress, int ShotCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JobError? Error);

public sealed record JobPage(IReadOnlyList<JobSummary> Items, string? NextPageToken);

public static class JobProgress
{
    /// <summary>Shots are nine tenths of the work, the final composition the last tenth; a timeline job (no shots) only composes.</summary>
    public static double Of(string status, int shotCount, double shotProgressSum, double composeProgress) =>
        Math.Round(status == JobStatus.Succeeded ? 1.0
            : shotCount == 0 ? composeProgress
            : 0.9 * shotProgressSum / shotCount + 0.1 * composeProgress, 3);
}
