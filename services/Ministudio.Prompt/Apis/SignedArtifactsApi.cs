using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// <c>GET /artifacts/{hash}?type=…&amp;expires=…&amp;signature=…</c>: one artifact for whoever holds a URL signed by
/// <see cref="ArtifactUrls"/> (a vendor fetching a keyframe), through the gateway without an API key.
/// </summary>
public static class SignedArtifactsApi
{
    public static IEndpointRouteBuilder MapSignedArtifactsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet($"{ArtifactUrls.RoutePrefix}/{{hash}}", GetAsync).WithTags("Artifacts")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .ProducesProblems(ProblemCodes.ArtifactUrlInvalid, ProblemCodes.ArtifactUrlExpired, ProblemCodes.ArtifactNotFound, ProblemCodes.ArtifactsUnavailable);
        return app;
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> GetAsync(
        string hash, string? type, string? expires, string? signature, ArtifactUrls urls, ArtifactStore artifacts, CancellationToken ct) =>
        urls.Verify(hash, type, expires, signature) switch
        {
            ArtifactUrls.Check.Expired => ApiProblems.Problem(ProblemCodes.ArtifactUrlExpired, "Ask for the input again: signed URLs live a limited time."),
            ArtifactUrls.Check.Invalid => ApiProblems.Problem(ProblemCodes.ArtifactUrlInvalid),
            _ => await artifacts.StreamAsync(hash, type!, null, ct) is { } file ? file : ApiProblems.Problem(ProblemCodes.ArtifactNotFound),
        };
}
