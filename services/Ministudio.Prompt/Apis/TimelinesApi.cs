using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;

namespace Ministudio.Prompt.Apis;

/// <summary><c>POST /v1/timelines</c>: a tenant composes its own uploads, clips and films, laid out as a timeline.</summary>
public static class TimelinesApi
{
    public static IEndpointRouteBuilder MapTimelinesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/timelines", SubmitTimelineAsync).WithTags("Timelines")
            .DescribesBody<Timeline>().WithRequestExamples(SampleRequests.Timelines).AcceptsIdempotencyKey().ProducesProblems(ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        return app;
    }

    /// <summary>Validates the timeline and its assets' ownership, stores a composing job and answers 202 with it.</summary>
    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> SubmitTimelineAsync(
        HttpContext context, TimelineJobs timelines, JobStore jobs, string? title, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        title ??= TimelineJobs.DefaultTitle;
        if (string.IsNullOrWhiteSpace(title) || title.Length > FilmValidator.MaxTitleLength)
            return ApiProblems.Validation([new FieldError("title", "timeline.invalid_title", $"A title is 1 to {FilmValidator.MaxTitleLength} characters.")]);
        var (idempotency, invalidKey) = await Idempotency.ReadAsync(context, ct);
        if (invalidKey is not null) return invalidKey;
        // The key covers the title too: the same body under another title is another request.
        if (idempotency is not null)
            idempotency = idempotency with { RequestHash = SHA256.HashData([.. idempotency.RequestHash, .. Encoding.UTF8.GetBytes(title)]) };
        var (timeline, malformed) = await JsonBody.ReadAsync<Timeline>(context, "a timeline", ct);
        if (malformed is not null) return malformed;

        var invalid = TimelineValidator.Validate(timeline);
        if (invalid.Count > 0) return ApiProblems.Validation(invalid.Select(e => new FieldError(e.Path, e.Code, e.Message)).ToList());
        var foreign = await timelines.FindForeignAssetsAsync(tenant, timeline!, ct);
        if (foreign.Count > 0) return ApiProblems.Validation(foreign);

        var (outcome, jobId, created) = await timelines.CreateAsync(tenant, title, timeline!, idempotency, ct);
        if (Idempotency.Answer(context, outcome) is { } conflict) return conflict;
        // A replayed key answers with the job as it is now; a new job comes back with its view.
        var job = created ?? await jobs.FindAsync(tenant, jobId, ct);
        return TypedResults.Accepted(JobPaths.Job(jobId), job!);
    }
}
