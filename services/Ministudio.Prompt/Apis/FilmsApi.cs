using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

public static class FilmsApi
{
    public static IEndpointRouteBuilder MapFilmsApi(this IEndpointRouteBuilder app)
    {
        var films = app.MapGroup("/v1/films").WithTags("Films");
        films.MapPost("/", SubmitFilmAsync);
        return app;
    }

    /// <summary>Validates and compiles a film, stores it as a job and queues its shots; answers 202 with the job.</summary>
    public static async Task<Results<AcceptedAtRoute<JobView>, ProblemHttpResult>> SubmitFilmAsync(
        HttpContext context, JobStore jobs, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenantId))
            return ApiProblems.Problem(StatusCodes.Status401Unauthorized, "auth.tenant_missing", "No authenticated tenant.");

        FilmSpec? spec;
        try
        {
            // Read by hand: the framework's binder answers malformed JSON with a bare 400 and no code.
            spec = await JsonSerializer.DeserializeAsync<FilmSpec>(context.Request.Body, JsonSerializerOptions.Web, ct);
        }
        catch (JsonException ex)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "request.malformed_json", "The body is not valid JSON for a film.",
                ex.Path is { Length: > 1 } path ? $"Near '{path}': {ex.Message}" : ex.Message);
        }
        if (spec is null)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, "request.malformed_json", "The body must be a JSON object describing a film.");

        var errors = FilmValidator.Validate(spec);
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var compiled = PromptCompiler.Compile(spec);
        var jobId = await jobs.CreateAsync(tenantId, spec, compiled, ct);
        var job = await jobs.FindAsync(tenantId, jobId, ct);
        return TypedResults.AcceptedAtRoute(job!, JobsApi.GetJobRoute, new { id = jobId });
    }
}
