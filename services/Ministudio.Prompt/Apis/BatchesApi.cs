using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Ministudio.Platform;
using Ministudio.Prompt.Batches;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.Prompt.Moderation;

namespace Ministudio.Prompt.Apis;

public static class BatchesApi
{
    public const string GetBatchRoute = "GetBatch";

    /// <summary>A path, like <see cref="JobPaths.Job"/>, never prompt's internal address.</summary>
    public static string BatchPath(Guid id) => $"/v1/batches/{id}";

    private static readonly string[] MediaTypes = ["application/x-ndjson", "application/jsonl"];

    public static IEndpointRouteBuilder MapBatchesApi(this IEndpointRouteBuilder app)
    {
        var batches = app.MapGroup("/batches").WithTags("Batches");
        // The batch reader enforces Batches:MaxBodyBytes itself, with batch codes, as the body streams in.
        batches.MapPost("", SubmitBatchAsync).WithMetadata(new DisableRequestSizeLimitAttribute())
            .DescribesBody<string>(MediaTypes).WithRequestExamples(SampleRequests.Batches).AcceptsIdempotencyKey()
            .ProducesProblems(ProblemCodes.BatchOnInvalidUnsupported, ProblemCodes.BatchContentTypeUnsupported, ProblemCodes.BatchTooManyLines,
                ProblemCodes.BatchTooLarge, ProblemCodes.BatchEmpty, ProblemCodes.BatchLinesInvalid, ProblemCodes.ModerationUnavailable);
        batches.MapGet("", ListBatchesAsync).ProducesProblems(ProblemCodes.BatchLimitOutOfRange, ProblemCodes.BatchPageTokenInvalid);
        batches.MapGet("/{id:guid}", GetBatchAsync).WithName(GetBatchRoute).ProducesProblems(ProblemCodes.BatchNotFound);
        batches.MapPost("/{id:guid}:cancel", CancelBatchAsync).ProducesProblems(ProblemCodes.BatchNotFound, ProblemCodes.BatchNotCancelable);
        batches.MapGet("/{id:guid}/results", GetResultsAsync).Produces<string>(StatusCodes.Status200OK, MediaTypes[0]).ProducesProblems(ProblemCodes.BatchNotFound);
        return app;
    }

    /// <summary>
    /// A JSONL body, one film per line as POST /v1/films takes it. Every line is validated while the body streams in;
    /// with <c>?onInvalid=reject</c> (default) any invalid line refuses the whole batch with 400 and nothing is stored,
    /// with <c>?onInvalid=skip</c> the valid lines run and the invalid ones are reported. 202 with the batch.
    /// </summary>
    public static async Task<Results<Accepted<BatchAccepted>, ProblemHttpResult>> SubmitBatchAsync(
        HttpContext context, FilmResolver resolver, ContentModeration moderation, BatchStore batches, IOptions<BatchOptions> options, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var onInvalid = context.Request.Query["onInvalid"].ToString() is { Length: > 0 } given ? given : OnInvalid.Reject;
        if (onInvalid is not (OnInvalid.Reject or OnInvalid.Skip))
            return ApiProblems.Problem(ProblemCodes.BatchOnInvalidUnsupported,
                title: $"onInvalid is '{OnInvalid.Reject}' or '{OnInvalid.Skip}'.");
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType) || !MediaTypes.Contains(mediaType.MediaType.Value, StringComparer.OrdinalIgnoreCase))
            return ApiProblems.Problem(ProblemCodes.BatchContentTypeUnsupported,
                title: $"A batch is JSON Lines: Content-Type {string.Join(" or ", MediaTypes)}.");
        var (key, invalidKey) = Idempotency.KeyOf(context);
        if (invalidKey is not null) return invalidKey;

        // The body is limited by its own cap, counted as it streams, not by the server's default request size.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeLimit) sizeLimit.MaxRequestBodySize = null;
        var lines = new List<BatchLine>();
        byte[] hash;
        using (var reader = new BatchBodyReader(context.Request.Body, options.Value.MaxBodyBytes))
        {
            try
            {
                while (await reader.NextLineAsync(ct) is { } text)
                {
                    if (lines.Count == BatchOptions.MaxLines)
                        return ApiProblems.Problem(ProblemCodes.BatchTooManyLines,
                            $"Line {reader.LineNumber} is film {BatchOptions.MaxLines + 1}.", $"A batch has at most {BatchOptions.MaxLines} lines.");
                    lines.Add(await ValidateLineAsync(tenant, reader.LineNumber, text, resolver, moderation, ct));
                }
            }
            catch (BatchBodyTooLargeException ex)
            {
                return ApiProblems.Problem(ProblemCodes.BatchTooLarge, title: $"A batch body has at most {ex.MaxBytes} bytes.");
            }
            catch (ModerationUnavailableException)
            {
                return ContentModeration.Unavailable();
            }
            hash = reader.Hash($"onInvalid={onInvalid}");
        }

        if (lines.Count == 0)
            return ApiProblems.Problem(ProblemCodes.BatchEmpty);
        var invalid = lines.Where(l => l.Film is null).Select(l => new LineErrors(l.Line, l.Errors)).ToList();
        if (invalid.Count > 0 && (onInvalid == OnInvalid.Reject || invalid.Count == lines.Count))
            return InvalidLines(invalid, onInvalid);

        var idempotency = key is null ? null : new IdempotencyKey(key, hash);
        var (outcome, batchId) = await batches.CreateAsync(tenant, onInvalid, lines, idempotency, ct);
        if (Idempotency.Answer(context, outcome) is { } conflict) return conflict;
        var batch = await batches.FindAsync(tenant, batchId, ct);
        return TypedResults.Accepted(BatchPath(batchId), new BatchAccepted(batch!, await batches.SkippedLinesAsync(batchId, ct)));
    }

    /// <summary>A line is a valid film whose compiled prompts pass moderation; a refused one is invalid, like any other.</summary>
    private static async Task<BatchLine> ValidateLineAsync(Guid tenant, int line, string text, FilmResolver resolver, ContentModeration moderation, CancellationToken ct)
    {
        var (body, invalid) = JsonBody.Parse<JsonObject>(Encoding.UTF8.GetBytes(text), "a film");
        if (body is null) return new BatchLine(line, null, invalid!);
        var (film, errors) = await resolver.ValidateAsync(tenant, body, ct);
        if (film is null || errors.Count > 0) return new BatchLine(line, film, errors);
        return await moderation.CheckAsync(tenant, PromptCompiler.Compile(film), ct) is { } refusal
            ? new BatchLine(line, null, [new($"shots[{refusal.Shot}]", ProblemCodes.ContentRejected.Code, $"Refused by content moderation ({refusal.Category}).")])
            : new BatchLine(line, film, errors);
    }

    /// <summary>400 listing every invalid line with its field errors (the validator's codes).</summary>
    private static ProblemHttpResult InvalidLines(IReadOnlyList<LineErrors> invalid, string onInvalid) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = onInvalid == OnInvalid.Reject ? "Some lines of the batch are invalid; nothing was stored." : "No line of the batch is valid; nothing was stored.",
            Detail = $"{invalid.Count} invalid line(s), the first at line {invalid[0].Line}: {invalid[0].Errors[0].Field}: {invalid[0].Errors[0].Message}",
            Type = $"https://ministudio.dev/problems/{ProblemCodes.BatchLinesInvalid.Code}",
            Extensions =
            {
                ["code"] = ProblemCodes.BatchLinesInvalid.Code,
                ["lines"] = invalid,
            },
        });

    public static async Task<Results<Ok<BatchView>, ProblemHttpResult>> GetBatchAsync(Guid id, HttpContext context, BatchStore batches, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        return await batches.FindAsync(tenant, id, ct) is { } batch ? TypedResults.Ok(batch) : NotFound(id);
    }

    /// <summary>The tenant's batches, newest first; <c>?limit=</c> (1–100) and <c>?pageToken=</c> from the previous page.</summary>
    public static async Task<Results<Ok<BatchPage>, ProblemHttpResult>> ListBatchesAsync(HttpContext context, BatchStore batches, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var (limit, after, problem) = Paging.Read(context, ProblemCodes.BatchLimitOutOfRange, ProblemCodes.BatchPageTokenInvalid);
        if (problem is not null) return problem;
        return TypedResults.Ok(await batches.ListAsync(tenant, after, limit, ct));
    }

    /// <summary>Cancels the items not yet started and the batch's running jobs; 202 with the batch. Canceling twice is fine.</summary>
    public static async Task<Results<Accepted<BatchView>, ProblemHttpResult>> CancelBatchAsync(Guid id, HttpContext context, BatchStore batches, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        return await batches.CancelAsync(tenant, id, ct) switch
        {
            BatchStore.CancelOutcome.NotFound => NotFound(id),
            BatchStore.CancelOutcome.AlreadyFinished => ApiProblems.Problem(ProblemCodes.BatchNotCancelable,
                $"The batch is {(await batches.FindAsync(tenant, id, ct))!.Status}."),
            _ => TypedResults.Accepted(BatchPath(id), (await batches.FindAsync(tenant, id, ct))!),
        };
    }

    /// <summary>JSON Lines, one per line of the batch: job id, status, video path, error and whether retrying may help.</summary>
    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetResultsAsync(Guid id, HttpContext context, BatchStore batches, CancellationToken ct)
    {
        if (await batches.FindAsync(TenantFilter.TenantOf(context), id, ct) is null) return NotFound(id);
        return TypedResults.Stream(output => batches.WriteResultsAsync(id, output, ct), MediaTypes[0], fileDownloadName: $"{id}.jsonl");
    }

    private static ProblemHttpResult NotFound(Guid id) =>
        ApiProblems.Problem(ProblemCodes.BatchNotFound, $"There is no batch {id}.");
}
