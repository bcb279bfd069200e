using Ministudio.Platform;

namespace Ministudio.Prompt.Batches;

/// <summary>A batch as <c>GET /v1/batches/{id}</c> shows it. Progress is the finished share of its runnable items.</summary>
public sealed record BatchView(
    Guid Id,
    string Status,
    string OnInvalid,
    BatchCounts Counts,
    double Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CanceledAt);

/// <summary>
/// Total is the runnable items (valid lines); queued counts items not yet admitted plus admitted jobs not yet started;
/// invalid counts skipped lines, which are not part of the total.
/// </summary>
public sealed record BatchCounts(int Total, int Queued, int Running, int Succeeded, int Failed, int Canceled, int Invalid);

/// <summary>The validation errors of one line (1-based, counting blank lines too, as an editor would).</summary>
public sealed record LineErrors(int Line, IReadOnlyList<FieldError> Errors);

/// <summary>The answer to an accepted batch: the batch and the lines skipped as invalid.</summary>
public sealed record BatchAccepted(BatchView Batch, IReadOnlyList<LineErrors> Skipped);

public sealed record BatchPage(IReadOnlyList<BatchView> Items, string? NextPageToken);

/// <summary>
/// One line of the results file. Retryable: submitting the line again may succeed — it was canceled, or it failed in a
/// way its provider called transient.
/// </summary>
public sealed record BatchResultLine(int Line, Guid? JobId, string Status, string? VideoUrl, string? ErrorCode, string? ErrorMessage, bool Retryable);
