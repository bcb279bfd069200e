using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Ministudio.Prompt.Artifacts;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>Reference images (character portraits, environment references): upload and download, per tenant.</summary>
public static class ArtifactsApi
{
    public static IEndpointRouteBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/v1/images").WithTags("Library");
        images.MapPost("/", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(ReferenceImages.MaxBytes));
        images.MapGet("/{sha256}", DownloadAsync);
        return app;
    }

    /// <summary>The body is the image itself; Content-Type names its type. Answers 201 with the image's SHA-256.</summary>
    public static async Task<Results<Created<ReferenceImage>, ProblemHttpResult>> UploadAsync(
        HttpContext context, ReferenceImages images, ArtifactStore artifacts, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenant))
            return TenantContext.Missing();
        var contentType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (!ReferenceImages.ContentTypes.Contains(contentType))
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, "image.type_unsupported",
                $"Upload {string.Join(", ", ReferenceImages.ContentTypes)} images.", $"Content-Type was '{context.Request.ContentType}'.");
        if (context.Request.ContentLength > ReferenceImages.MaxBytes)
            return TooLarge();

        var folder = artifacts.CreateScratchFolder();
        try
        {
            var file = Path.Combine(folder, "upload");
            await using (var target = File.Create(file))
            {
                // Counted while copying too: a chunked upload has no Content-Length to refuse up front.
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await context.Request.Body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > ReferenceImages.MaxBytes) return TooLarge();
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            var image = await images.AddAsync(tenant, contentType, file, ct);
            return image is null
                ? ApiProblems.Problem(StatusCodes.Status400BadRequest, "image.content_mismatch", $"The bytes are not a {contentType} image.")
                : TypedResults.Created($"/v1/images/{image.Sha256}", image);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> DownloadAsync(string sha256, HttpContext context, ReferenceImages images, CancellationToken ct)
    {
        if (TenantContext.TryGetTenantId(context, out var tenant) && ArtifactStore.IsHash(sha256) && await images.FindAsync(tenant, sha256, ct) is { } image)
            return TypedResults.PhysicalFile(images.PathOf(image), image.ContentType);
        return ApiProblems.Problem(StatusCodes.Status404NotFound, "image.not_found", "No such image.");
    }

    private static ProblemHttpResult TooLarge() =>
        ApiProblems.Problem(StatusCodes.Status413PayloadTooLarge, "image.too_large", $"Images are at most {ReferenceImages.MaxBytes / (1024 * 1024)} MiB.");
}
