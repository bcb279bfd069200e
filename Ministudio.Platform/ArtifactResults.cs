using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Ministudio.Platform;

public static class ArtifactResults
{
    /// <summary>
    /// The artifact as a download streamed from the store (either backend) with range requests; null when the store
    /// does not have it.
    /// </summary>
    public static async Task<FileStreamHttpResult?> StreamAsync(
        this ArtifactStore artifacts, string hash, string contentType, string? fileName, CancellationToken ct) =>
        await artifacts.OpenReadAsync(hash, ct) is { } stream
            ? TypedResults.Stream(stream, contentType, fileName, enableRangeProcessing: true)
            : null;
}
