using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

public static class JobsApi
{
    public const string GetJobRoute = "GetJob";

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapGet("", ListJobsAsync).ProducesProblems(ProblemCodes.JobLimitOutOfRange, ProblemCodes.JobPageTokenInvalid);
        jobs.MapGet("/{id:guid}", GetJobAsync).WithName(GetJobRoute).ProducesProblems(ProblemCodes.JobNotFound);
        jobs.MapGet("/{id:guid}/video", GetVideoAsync).ProducesProblems(ProblemCodes.JobNotFound, ProblemCodes.JobVideoNotReady, ProblemCodes.JobVideoMissing, ProblemCodes.ArtifactsUnavailable);
        jobs.MapGet("/{id:guid}/events", StreamEventsAsync).ProducesProblems(ProblemCodes.JobNotFound);
        jobs.MapGet("/{id:guid}/shots/{index:int}/video", GetShotVideoAsync).ProducesProblems(ProblemCodes.JobNotFound, ProblemCodes.JobShotNotFound, ProblemCodes.JobShotNotReady, ProblemCodes.JobVideoMissing, ProblemCodes.ArtifactsUnavailable);
        // Literal routes above win over this one: poster.jpg, captions.vtt, hls/master.m3u8, … as listed on the job.
        jobs.MapGet("/{id:guid}/{**name}", GetDeliverableAsync).ProducesProblems(ProblemCodes.JobNotFound, ProblemCodes.JobDeliverableNotFound, ProblemCodes.JobVideoNotReady, ProblemCodes.JobVideoMissing, ProblemCodes.ArtifactsUnavailable);
        jobs.MapPost("/{id:guid}:cancel", CancelAsync).ProducesProblems(ProblemCodes.JobNotFound, ProblemCodes.JobNotCancelable);
        return app;
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJobAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken ct)
    {
        return await jobs.FindAsync(TenantFilter.TenantOf(context), id, ct) is { } job ? TypedResults.Ok(job) : NotFound(id);
    }

    /// <summary>The tenant's jobs, newest first, without their shots; <c>?limit=</c> and <c>?pageToken=</c> as for batches.</summary>
    public static async Task<Results<Ok<JobPage>, ProblemHttpResult>> ListJobsAsync(HttpContext context, JobStore jobs, CancellationToken ct)
    {
        var (limit, after, problem) = Paging.Read(context, ProblemCodes.JobLimitOutOfRange, ProblemCodes.JobPageTokenInvalid);
        if (problem is not null) return problem;
        return TypedResults.Ok(await jobs.ListAsync(TenantFilter.TenantOf(context), after, limit, ct));
    }

    /// <summary>Stops a queued or running job: its shots in flight stop between frames, the rest never start.</summary>
    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> CancelAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken ct)
    {
        var tenantId = TenantFilter.TenantOf(context);
        return await jobs.CancelAsync(tenantId, id, ct) switch
        {
            JobStore.CancelOutcome.NotFound => NotFound(id),
            JobStore.CancelOutcome.AlreadyFinal => ApiProblems.Problem(ProblemCodes.JobNotCancelable,
                $"The job is {(await jobs.FindAsync(tenantId, id, ct))!.Status}."),
            _ => TypedResults.Accepted(JobPaths.Job(id), (await jobs.FindAsync(tenantId, id, ct))!),
        };
    }

    /// <summary>
    /// Server-sent events: the job as JSON (event "job") whenever it changes — status, stage, overall and per-shot
    /// progress — ending with its final state.
    /// </summary>
    public static async Task<Results<ServerSentEventsResult<JobView>, ProblemHttpResult>> StreamEventsAsync(
        Guid id, HttpContext context, JobStore jobs, CancellationToken ct)
    {
        var tenantId = TenantFilter.TenantOf(context);
        if (await jobs.FindAsync(tenantId, id, ct) is null) return NotFound(id);
        return TypedResults.ServerSentEvents(ChangesAsync(jobs, tenantId, id, ct), eventType: "job");
    }

    private static readonly TimeSpan EventPollInterval = TimeSpan.FromMilliseconds(250);

    private static async IAsyncEnumerable<JobView> ChangesAsync(JobStore jobs, Guid tenantId, Guid id, [EnumeratorCancellation] CancellationToken ct)
    {
        string? last = null;
        while (!ct.IsCancellationRequested)
        {
            if (await jobs.FindAsync(tenantId, id, ct) is not { } job) yield break;
            // UpdatedAt alone changes nothing a client sees.
            var state = JsonSerializer.Serialize(job with { UpdatedAt = default });
            if (state != last) yield return job;
            last = state;
            if (JobStatus.IsFinal(job.Status)) yield break;
            await Task.Delay(EventPollInterval, ct);
        }
    }

    /// <summary>Streams the finished film, with range requests so players can seek.</summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetVideoAsync(
        Guid id, HttpContext context, JobStore jobs, ArtifactStore artifacts, CancellationToken ct)
    {
        var tenantId = TenantFilter.TenantOf(context);
        var hash = await jobs.FindVideoHashAsync(tenantId, id, ct);
        if (hash is null)
        {
            return await jobs.FindAsync(tenantId, id, ct) is { } job
                ? ApiProblems.Problem(ProblemCodes.JobVideoNotReady, $"The job is {job.Status}.")
                : NotFound(id);
        }
        return await DownloadAsync(artifacts, hash, "video/mp4", $"{id}.mp4", ct);
    }

    /// <summary>One of the files compose delivered with the film (see the job's <c>deliverables</c>), with range requests.</summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetDeliverableAsync(
        Guid id, string name, HttpContext context, JobDeliverables deliverables, ArtifactStore artifacts, CancellationToken ct)
    {
        var (outcome, file) = await deliverables.FindAsync(TenantFilter.TenantOf(context), id, name, ct);
        return outcome switch
        {
            JobDeliverables.Lookup.Found => await DownloadAsync(artifacts, file!.Sha256, file.MediaType, $"{id}-{name.Replace('/', '-')}", ct),
            JobDeliverables.Lookup.NotReady => ApiProblems.Problem(ProblemCodes.JobVideoNotReady),
            JobDeliverables.Lookup.NoSuchFile => ApiProblems.Problem(ProblemCodes.JobDeliverableNotFound,
                "The job's deliverables list the files it has."),
            _ => NotFound(id),
        };
    }

    /// <summary>One shot's own clip, as soon as the shot has rendered.</summary>
    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetShotVideoAsync(
        Guid id, int index, HttpContext context, JobDeliverables deliverables, ArtifactStore artifacts, CancellationToken ct)
    {
        var (outcome, hash) = await deliverables.FindShotClipAsync(TenantFilter.TenantOf(context), id, index, ct);
        return outcome switch
        {
            JobDeliverables.Lookup.Found => await DownloadAsync(artifacts, hash!, "video/mp4", $"{id}-shot-{index}.mp4", ct),
            JobDeliverables.Lookup.NotReady => ApiProblems.Problem(ProblemCodes.JobShotNotReady),
            JobDeliverables.Lookup.NoSuchFile => ApiProblems.Problem(ProblemCodes.JobShotNotFound, $"The job has no shot {index}."),
            _ => NotFound(id),
        };
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        ArtifactStore artifacts, string hash, string mediaType, string fileName, CancellationToken ct) =>
        await artifacts.StreamAsync(hash, mediaType, fileName, ct) is { } file
            ? file
            : ApiProblems.Problem(ProblemCodes.JobVideoMissing, title: "The file is no longer in the artifact store.");

    private static ProblemHttpResult NotFound(Guid id) =>
        ApiProblems.Problem(ProblemCodes.JobNotFound, $"There is no job {id}.");
}
