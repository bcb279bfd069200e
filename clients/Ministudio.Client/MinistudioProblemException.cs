using System.Net;

namespace Ministudio.Client;

/// <summary>One invalid field of a validation problem.</summary>
public sealed record FieldError(string Field, string Code, string Message);

/// <summary>
/// An answer of the API that is a problem (problem+json): its HTTP status, stable <see cref="Code"/> (see
/// <see cref="ProblemCodes"/>), title, detail and, for a validation problem, every invalid field.
/// </summary>
public sealed class MinistudioProblemException(
    HttpStatusCode status, string code, string title, string? detail, IReadOnlyList<FieldError> errors, TimeSpan? retryAfter)
    : Exception(detail is null ? $"{code}: {title}" : $"{code}: {title} {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Code { get; } = code;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public IReadOnlyList<FieldError> Errors { get; } = errors;
    /// <summary>How long the server asked to wait (429, 503), when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
