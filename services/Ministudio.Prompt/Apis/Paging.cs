using Ministudio.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// <c>?limit=</c> (1–100, default 20) and <c>?pageToken=</c> (the previous page's nextPageToken: the last item's
/// time-ordered UUIDv7 id) of every list, with errors coded under the list's own area (<c>batch.</c>, <c>job.</c>): the caller names its two catalogue codes.
/// </summary>
public static class Paging
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    public static (int Limit, Guid? After, ProblemHttpResult? Problem) Read(HttpContext context, ProblemCode limitOutOfRange, ProblemCode pageTokenInvalid)
    {
        var limit = DefaultPageSize;
        if (context.Request.Query["limit"].ToString() is { Length: > 0 } givenLimit && (!int.TryParse(givenLimit, out limit) || limit is < 1 or > MaxPageSize))
            return (0, null, ApiProblems.Problem(limitOutOfRange, title: $"limit is 1 to {MaxPageSize}."));
        if (context.Request.Query["pageToken"].ToString() is not { Length: > 0 } token) return (limit, null, null);
        return Guid.TryParse(token, out var last)
            ? (limit, last, null)
            : (0, null, ApiProblems.Problem(pageTokenInvalid));
    }
}
