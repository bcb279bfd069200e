using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Ministudio.Platform;
using Ministudio.Prompt.Artifacts;
using Ministudio.ServiceDefaults;
using Ministudio.Prompt.Networking;

namespace Ministudio.Prompt.Apis;

/// <summary>Reference images (character portraits, environment references): upload and download, per tenant.</summary>
public static class ArtifactsApi
{
    public static IEndpointRouteBuilder MapArtifactsApi(this IEndpointRouteBuilder app)
    {
        var images = app.MapGroup("/images").WithTags("Library");
        images.MapPost("/", UploadAsync).WithMetadata(new RequestSizeLimitAttribute(ReferenceImages.MaxBytes))
            .DescribesBody<Stream>([.. ReferenceImages.ContentTypes])
            .ProducesProblems(ProblemCodes.ImageTypeUnsupported, ProblemCodes.ImageTooLarge, ProblemCodes.ImageContentMismatch);
        images.MapGet("/{sha256}", DownloadAsync).Produces<Stream>(StatusCodes.Status200OK, ReferenceImages.ContentTypes.First(), [.. ReferenceImages.ContentTypes.Skip(1)])
            .ProducesProblems(ProblemCodes.ImageNotFound);
        app.MapPost("/images:fetch", FetchAsync).WithTags("Library").DescribesBody<FetchImageRequest>()
            .ProducesProblems(ProblemCodes.ImageFetchFailed, ProblemCodes.ImageTypeUnsupported, ProblemCodes.ImageTooLarge, ProblemCodes.ImageContentMismatch,
                ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        return app;
    }

    public sealed record FetchImageRequest(string? Url);

    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The body is the image itself; Content-Type names its type. Answers 201 with the image's SHA-256.</summary>
    public static async Task<Results<Created<ReferenceImage>, ProblemHttpResult>> UploadAsync(
        HttpContext context, ReferenceImages images, ArtifactStore artifacts, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var contentType = context.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        if (!ReferenceImages.ContentTypes.Contains(contentType))
            return ApiProblems.Problem(ProblemCodes.ImageTypeUnsupported, title:
                $"Upload {string.Join(", ", ReferenceImages.ContentTypes)} images.", detail: $"Content-Type was '{context.Request.ContentType}'.");
        if (context.Request.ContentLength > ReferenceImages.MaxBytes)
            return TooLarge();

        return await StoreAsync(tenant, contentType, context.Request.Body, images, artifacts, ct);
    }

    /// <summary>
    /// Downloads an image from a tenant's URL through the SSRF guard (every redirect hop re-checked) and stores it like an
    /// upload: same types, same byte check, same size cap.
    /// </summary>
    public static async Task<Results<Created<ReferenceImage>, ProblemHttpResult>> FetchAsync(
        HttpContext context, ReferenceImages images, ArtifactStore artifacts, GuardedHttpClient http, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var (request, problem) = await JsonBody.ReadAsync<FetchImageRequest>(context, "an image to fetch", ct);
        if (problem is not null) return problem;

        HttpResponseMessage? response;
        SsrfRefusal? refusal;
        try
        {
            (response, refusal) = await http.SendAsync(request!.Url ?? "", uri =>
            {
                var get = new HttpRequestMessage(HttpMethod.Get, uri);
                get.Headers.Accept.ParseAdd(string.Join(", ", ReferenceImages.ContentTypes));
                return get;
            }, FetchTimeout, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            return FetchFailed(ex.Message);
        }
        if (refusal is not null) return ApiProblems.Validation([new FieldError("url", refusal.Code, refusal.Reason)]);

        using (response)
        {
            if (!response!.IsSuccessStatusCode) return FetchFailed($"The server answered {(int)response.StatusCode}.");
            var contentType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
            if (!ReferenceImages.ContentTypes.Contains(contentType))
                return ApiProblems.Problem(ProblemCodes.ImageTypeUnsupported,
                    title: $"Fetch {string.Join(", ", ReferenceImages.ContentTypes)} images.", detail: $"The server sent Content-Type '{contentType}'.");
            if (response.Content.Headers.ContentLength > ReferenceImages.MaxBytes) return TooLarge();
            // The body gets its own deadline: a server that trickles bytes must not hold the request open.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(FetchTimeout);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                return await StoreAsync(tenant, contentType, body, images, artifacts, deadline.Token);
            }
            catch (HttpRequestException ex)
            {
                return FetchFailed(ex.Message);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                return FetchFailed($"The image did not arrive within {FetchTimeout.TotalSeconds:0} s.");
            }
        }
    }

    private static async Task<Results<Created<ReferenceImage>, ProblemHttpResult>> StoreAsync(
        Guid tenant, string contentType, Stream body, ReferenceImages images, ArtifactStore artifacts, CancellationToken ct)
    {
        var folder = artifacts.CreateScratchFolder();
        try
        {
            var file = Path.Combine(folder, "upload");
            await using (var target = File.Create(file))
            {
                // Counted while copying too: a chunked body has no Content-Length to refuse up front.
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > ReferenceImages.MaxBytes) return TooLarge();
                    await target.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            var image = await images.AddAsync(tenant, contentType, file, ct);
            return image is null
                ? ApiProblems.Problem(ProblemCodes.ImageContentMismatch, title: $"The bytes are not a {contentType} image.")
                : TypedResults.Created($"/v1/images/{image.Sha256}", image);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(
        string sha256, HttpContext context, ReferenceImages images, ArtifactStore artifacts, CancellationToken ct)
    {
        if (ArtifactStore.IsHash(sha256) && await images.FindAsync(TenantFilter.TenantOf(context), sha256, ct) is { } image
            && await artifacts.StreamAsync(image.Sha256, image.ContentType, null, ct) is { } file)
            return file;
        return ApiProblems.Problem(ProblemCodes.ImageNotFound);
    }

    private static ProblemHttpResult FetchFailed(string detail) =>
        ApiProblems.Problem(ProblemCodes.ImageFetchFailed, detail);

    private static ProblemHttpResult TooLarge() =>
        ApiProblems.Problem(ProblemCodes.ImageTooLarge, title: $"Images are at most {ReferenceImages.MaxBytes / (1024 * 1024)} MiB.");
}
