using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Ministudio.Platform;

/// <summary>One field that failed validation: where, which rule (stable code) and why.</summary>
public sealed record FieldError(string Field, string Code, string Message);

/// <summary>problem+json answers that always carry a stable machine-readable <c>code</c>.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://ministudio.dev/problems/{code}",
            Extensions = { ["code"] = code },
        });

    /// <summary>A problem of the catalogue (<see cref="ProblemCodes"/>); <paramref name="title"/> replaces its default title.</summary>
    public static ProblemHttpResult Problem(ProblemCode problem, string? detail = null, string? title = null) =>
        Problem(problem.Status, problem.Code, title ?? problem.Title, detail);

    /// <summary>413 <c>request.too_large</c> for a body past <paramref name="limit"/> bytes (services and the gateway alike).</summary>
    public static ProblemHttpResult TooLarge(long limit) =>
        Problem(ProblemCodes.RequestTooLarge, $"At most {limit} bytes.");

    /// <summary>400 naming every invalid field; the first error's code is the problem's code.</summary>
    public static ProblemHttpResult Validation(IReadOnlyList<FieldError> errors, string? title = null) =>
        TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title ?? "The request is invalid.",
            Detail = string.Join(" ", errors.Select(e => $"{e.Field}: {e.Message}")),
            Type = $"https://ministudio.dev/problems/{errors[0].Code}",
            Extensions =
            {
                ["code"] = errors[0].Code,
                ["errors"] = errors,
            },
        });
}
