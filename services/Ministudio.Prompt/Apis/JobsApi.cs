using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

public static class JobsApi
{
    public const string GetJobRoute = "GetJob";

    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/v1/jobs").WithTags("Jobs");
        jobs.MapGet("/{id:guid}", GetJobAsync).WithName(GetJobRoute);
        jobs.MapGet("/{id:guid}/video", GetVideoAsync);
        return app;
    }

    public static async Task<Results<Ok<JobView>, ProblemHttpResult>> GetJobAsync(Guid id, HttpContext context, JobStore jobs, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenantId)) return NotFound(id);
        return await jobs.FindAsync(tenantId, id, ct) is { } job ? TypedResults.Ok(job) : NotFound(id);
    }

    /// <summary>Streams the finished film, with range requests so players can seek.</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> GetVideoAsync(
        Guid id, HttpContext context, JobStore jobs, ArtifactStore artifacts, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenantId)) return NotFound(id);
        var hash = await jobs.FindVideoHashAsync(tenantId, id, ct);
        if (hash is null)
        {
            return await jobs.FindAsync(tenantId, id, ct) is { } job
                ? ApiProblems.Problem(StatusCodes.Status409Conflict, "job.video_not_ready", "The film is not ready.", $"The job is {job.Status}.")
                : NotFound(id);
        }
        if (!artifacts.Contains(hash))
            return ApiProblems.Problem(StatusCodes.Status410Gone, "job.video_missing", "The film's file is no longer in the artifact store.");
        return TypedResults.PhysicalFile(artifacts.PathOf(hash), "video/mp4", fileDownloadName: $"{id}.mp4", enableRangeProcessing: true);
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, "job.not_found", "No such job.", $"There is no job {id}.");
}
