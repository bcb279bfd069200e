using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.Prompt.Moderation;

namespace Ministudio.Prompt.Apis;

public static class FilmsApi
{
    /// <summary>The dry run's answer: what would be sent to providers, and what was changed to fit them.</summary>
    public sealed record CompileResult(IReadOnlyList<CompiledShotView> Shots, IReadOnlyList<CompileWarning> Warnings);

    /// <summary>A compiled shot: <c>Shot</c> is the film's shot it makes (in <c>Parts</c> parts when it is longer than its provider makes), <c>State</c> the state in force.</summary>
    public sealed record CompiledShotView(int Index, int Chain, string Prompt, ShotRequest Request, int Shot, int Part, int Parts, ShotState State);

    public static IEndpointRouteBuilder MapFilmsApi(this IEndpointRouteBuilder app)
    {
        var films = app.MapGroup("").WithTags("Films");
        films.MapPost("/films", SubmitFilmAsync).DescribesBody<FilmSpec>().WithRequestExamples(SampleRequests.Films).AcceptsIdempotencyKey().ProducesProblems(FilmProblems);
        films.MapPost("/films:compile", CompileFilmAsync).DescribesBody<FilmSpec>().WithRequestExamples(SampleRequests.CompiledFilms).ProducesProblems(FilmProblems);
        return app;
    }

    private static readonly ProblemCode[] FilmProblems =
        [ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge, ProblemCodes.SpeechUnavailable, ProblemCodes.ContentRejected, ProblemCodes.ModerationUnavailable];

    /// <summary>Validates and compiles a film, stores it as a job and queues its shots; answers 202 with the job.</summary>
    public static async Task<Results<Accepted<JobView>, ProblemHttpResult>> SubmitFilmAsync(
        HttpContext context, FilmResolver resolver, SpeechTiming timing, ContentModeration moderation, JobStore jobs, CancellationToken ct)
    {
        var (idempotency, invalidKey) = await Idempotency.ReadAsync(context, ct);
        if (invalidKey is not null) return invalidKey;
        var (film, problem) = await ReadFilmAsync(context, resolver, timing, ct);
        if (problem is not null) return problem;
        var compiled = PromptCompiler.Compile(film!.Value.Film, speech: film.Value.Speech);
        if (await ModerateAsync(moderation, film.Value.Tenant, compiled, ct) is { } refused) return refused;
        var (outcome, jobId, created) = await jobs.CreateAsync(film.Value.Tenant, film.Value.Film, compiled, idempotency, ct);
        if (Idempotency.Answer(context, outcome) is { } conflict) return conflict;
        // A replayed key answers with the job as it is now; a new job comes back with its view.
        var job = created ?? await jobs.FindAsync(film.Value.Tenant, jobId, ct);
        return TypedResults.Accepted(JobPaths.Job(jobId), job!);
    }

    /// <summary>Dry run: the compiled prompts and provider requests of a film, without creating a job or spending anything.</summary>
    public static async Task<Results<Ok<CompileResult>, ProblemHttpResult>> CompileFilmAsync(
        HttpContext context, FilmResolver resolver, SpeechTiming timing, ContentModeration moderation, CancellationToken ct)
    {
        var (film, problem) = await ReadFilmAsync(context, resolver, timing, ct);
        if (problem is not null) return problem;
        var compiled = PromptCompiler.Compile(film!.Value.Film, speech: film.Value.Speech);
        // The dry run refuses what the submission would refuse, so a studio user learns it before spending anything.
        if (await ModerateAsync(moderation, film.Value.Tenant, compiled, ct) is { } refused) return refused;
        return TypedResults.Ok(new CompileResult(compiled.Shots.Select(s => new CompiledShotView(s.Index, s.Chain, s.Prompt, s.Request, s.Shot, s.Part, s.Parts, s.State)).ToList(), compiled.Warnings));
    }

    private static async Task<ProblemHttpResult?> ModerateAsync(ContentModeration moderation, Guid tenant, CompiledFilm compiled, CancellationToken ct)
    {
        try
        {
            return await moderation.CheckAsync(tenant, compiled, ct) is { } refusal ? ContentModeration.Refused(refusal) : null;
        }
        catch (ModerationUnavailableException)
        {
            return ContentModeration.Unavailable();
        }
    }

    private static async Task<((Guid Tenant, FilmSpec Film, IReadOnlyList<IReadOnlyList<SpokenSpan>>? Speech)? Film, ProblemHttpResult? Problem)> ReadFilmAsync(
        HttpContext context, FilmResolver resolver, SpeechTiming timing, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var (body, problem) = await JsonBody.ReadAsync<JsonObject>(context, "a film", ct);
        if (problem is not null) return (null, problem);
        var (resolved, errors) = await resolver.ValidateAsync(tenant, body!, ct);
        if (errors.Count > 0) return (null, ApiProblems.Validation(errors));
        // Speech is measured only for a valid film: its shots are sized to it (timing "narration") or checked against it.
        try
        {
            var (timed, unfit, speech) = await timing.ApplyAsync(tenant, resolved!, ct);
            return unfit.Count > 0 ? (null, ApiProblems.Validation(unfit)) : ((tenant, timed, speech), null);
        }
        catch (SpeechTiming.UnavailableException)
        {
            // The engine's own reason stays in compose's log; the client learns that a retry may work.
            return (null, ApiProblems.Problem(ProblemCodes.SpeechUnavailable, "Try again shortly."));
        }
    }
}
