using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;

namespace Ministudio.Prompt.Apis;

/// <summary>The Idempotency-Key header of films, timelines and batches: how it is read, and what each outcome answers.</summary>
public static class Idempotency
{
    public const string Header = ApiDocument.IdempotencyKeyHeader;
    public const string ReplayedHeader = ApiDocument.IdempotentReplayedHeader;
    public const int MaxKeyLength = 255;

    /// <summary>The header's value (null when absent), or the problem with it.</summary>
    public static (string? Key, ProblemHttpResult? Problem) KeyOf(HttpContext context)
    {
        var key = context.Request.Headers[Header].ToString();
        if (key.Length == 0) return (null, null);
        return key.Length > MaxKeyLength || SafeText.Violation(key, allowLineBreaks: false) is not null
            ? (null, ApiProblems.Problem(ProblemCodes.IdempotencyKeyInvalid, title: $"An Idempotency-Key is 1 to {MaxKeyLength} printable characters."))
            : (key, null);
    }

    /// <summary>The request's Idempotency-Key with the SHA-256 of its body (the body stays readable).</summary>
    public static async Task<(IdempotencyKey? Key, ProblemHttpResult? Problem)> ReadAsync(HttpContext context, CancellationToken ct)
    {
        var (key, problem) = KeyOf(context);
        if (key is null) return (null, problem);
        context.Request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(context.Request.Body, ct);
        context.Request.Body.Position = 0;
        return (new IdempotencyKey(key, hash), null);
    }

    /// <summary>The 409 for a key in flight or reused with another body; null when the resource may be answered (a replay is marked).</summary>
    public static ProblemHttpResult? Answer(HttpContext context, SubmitOutcome outcome)
    {
        switch (outcome)
        {
            case SubmitOutcome.InFlight:
                return ApiProblems.Problem(ProblemCodes.IdempotencyInFlight);
            case SubmitOutcome.KeyReused:
                return ApiProblems.Problem(ProblemCodes.IdempotencyKeyReused);
            case SubmitOutcome.Replayed:
                context.Response.Headers[ReplayedHeader] = "true";
                return null;
            default:
                return null;
        }
    }
}
