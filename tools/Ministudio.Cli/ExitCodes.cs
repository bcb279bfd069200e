using System.Net;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary>The documented exit codes of <c>ministudio</c> (README, "The ministudio CLI").</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The job ended failed or canceled.</summary>
    public const int JobFailed = 1;
    /// <summary>A bad command line, a missing file, invalid JSON, missing settings.</summary>
    public const int Usage = 2;
    /// <summary>The key is missing, invalid or not allowed (401, 403).</summary>
    public const int Auth = 3;
    public const int NotFound = 4;
    public const int RateLimited = 5;
    /// <summary>The API refused the request (validation, conflict, other 4xx).</summary>
    public const int Rejected = 6;
    /// <summary>The platform could not be reached or failed (5xx).</summary>
    public const int Unavailable = 7;

    public static int Of(MinistudioProblemException problem) => problem.Status switch
    {
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Auth,
        HttpStatusCode.NotFound => NotFound,
        HttpStatusCode.TooManyRequests => RateLimited,
        >= HttpStatusCode.InternalServerError => Unavailable,
        _ => Rejected,
    };
}
