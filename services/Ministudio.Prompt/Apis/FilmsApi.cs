using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Contracts;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

public static class FilmsApi
{
    /// <summary>The dry run's answer: what would be sent to providers, and what was changed to fit them.</summary>
    public sealed record CompileResult(IReadOnlyList<CompiledShotView> Shots, IReadOnlyList<CompileWarning> Warnings);

    public sealed record CompiledShotView(int Index, int Chain, string Prompt, ShotRequest Request);

    public static IEndpointRouteBuilder MapFilmsApi(this IEndpointRouteBuilder app)
    {
        var films = app.MapGroup("/v1").WithTags("Films");
        films.MapPost("/films", SubmitFilmAsync);
        films.MapPost("/films:compile", CompileFilmAsync);
        return app;
    }

    /// <summary>Validates and compiles a film, stores it as a job and queues its shots; answers 202 with the job.</summary>
    public static async Task<Results<AcceptedAtRoute<JobView>, ProblemHttpResult>> SubmitFilmAsync(
        HttpContext context, FilmResolver resolver, JobStore jobs, CancellationToken ct)
    {
        var (idempotency, invalidKey) = await IdempotencyKeyOfAsync(context, ct);
        if (invalidKey is not null) return invalidKey;
        var (film, problem) = await ReadFilmAsync(context, resolver, forSubmission: true, ct);
        if (problem is not null) return problem;
        var compiled = PromptCompiler.Compile(film!.Value.Film);
        var (outcome, jobId) = await jobs.CreateAsync(film.Value.Tenant, film.Value.Film, compiled, idempotency, ct);
        switch (outcome)
        {
            case SubmitOutcome.InFlight:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "idempotency.in_flight", "A request with this Idempotency-Key is still being processed.");
            case SubmitOutcome.KeyReused:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "idempotency.key_reused", "This Idempotency-Key was used with a different request body.");
            case SubmitOutcome.Replayed:
                context.Response.Headers["Idempotent-Replayed"] = "true";
                break;
        }
        var job = await jobs.FindAsync(film.Value.Tenant, jobId, ct);
        return TypedResults.AcceptedAtRoute(job!, JobsApi.GetJobRoute, new { id = jobId });
    }

    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxIdempotencyKeyLength = 255;

    /// <summary>The request's Idempotency-Key with the SHA-256 of its body (the body stays readable).</summary>
    internal static async Task<(IdempotencyKey? Key, ProblemHttpResult? Problem)> IdempotencyKeyOfAsync(HttpContext context, CancellationToken ct)
    {
        var key = context.Request.Headers[IdempotencyHeader].ToString();
        if (key.Length == 0) return (null, null);
        if (InvalidIdempotencyKey(key) is { } invalid) return (null, invalid);
        context.Request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(context.Request.Body, ct);
        context.Request.Body.Position = 0;
        return (new IdempotencyKey(key, hash), null);
    }

    /// <summary>The problem with a given Idempotency-Key header, or null when it is absent or usable.</summary>
    public static ProblemHttpResult? InvalidIdempotencyKey(string key) =>
        key.Length > MaxIdempotencyKeyLength || key.Any(char.IsControl)
            ? ApiProblems.Problem(StatusCodes.Status400BadRequest, "idempotency.key_invalid",
                $"An Idempotency-Key is 1 to {MaxIdempotencyKeyLength} printable characters.")
            : null;

    /// <summary>Dry run: the compiled prompts and provider requests of a film, without creating a job or spending anything.</summary>
    public static async Task<Results<Ok<CompileResult>, ProblemHttpResult>> CompileFilmAsync(HttpContext context, FilmResolver resolver, CancellationToken ct)
    {
        var (film, problem) = await ReadFilmAsync(context, resolver, forSubmission: false, ct);
        if (problem is not null) return problem;
        var compiled = PromptCompiler.Compile(film!.Value.Film);
        return TypedResults.Ok(new CompileResult(compiled.Shots.Select(s => new CompiledShotView(s.Index, s.Chain, s.Prompt, s.Request)).ToList(), compiled.Warnings));
    }

    /// <summary>A film is either written out or made from a template (<c>{"template": …, "values": {…}}</c>).</summary>
    private static (FilmSpec? Film, IReadOnlyList<FieldError> Errors) FromBody(JsonObject body)
    {
        try
        {
            return body.ContainsKey("template")
                ? FilmTemplates.Render(body.Deserialize<TemplatedFilm>(JsonSerializerOptions.Web)!)
                : (body.Deserialize<FilmSpec>(JsonSerializerOptions.Web), []);
        }
        catch (JsonException ex)
        {
            return (null, [new FieldError(ex.Path ?? "$", "request.malformed_json", ex.Message)]);
        }
    }

    private static async Task<((Guid Tenant, FilmSpec Film)? Film, ProblemHttpResult? Problem)> ReadFilmAsync(
        HttpContext context, FilmResolver resolver, bool forSubmission, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenant))
            return (null, TenantContext.Missing());
        var (body, problem) = await JsonBody.ReadAsync<JsonObject>(context, "a film", ct);
        if (problem is not null) return (null, problem);
        var (resolved, errors) = await ValidateAsync(tenant, body!, resolver, forSubmission, ct);
        return errors.Count > 0 ? (null, ApiProblems.Validation(errors)) : ((tenant, resolved!), null);
    }

    /// <summary>
    /// A film body (written out or a template) made into a library-resolved, validated spec, or the errors that stop
    /// it; shared by single films and every line of a batch.
    /// </summary>
    public static async Task<(FilmSpec? Film, IReadOnlyList<FieldError> Errors)> ValidateAsync(
        Guid tenant, JsonObject body, FilmResolver resolver, bool forSubmission, CancellationToken ct)
    {
        var (written, invalid) = FromBody(body);
        if (invalid.Count > 0) return (null, invalid);
        var (spec, mixed) = Scenes.Flatten(written!);
        if (mixed.Count > 0) return (null, mixed);
        var (resolved, missing) = await resolver.ResolveAsync(tenant, spec!, ct);
        // Unresolved references come alone: the spec they leave behind is incomplete by construction.
        var errors = missing.Count > 0 ? missing : FilmValidator.Validate(resolved, forSubmission);
        return errors.Count > 0 ? (null, errors) : (resolved, []);
    }
}
