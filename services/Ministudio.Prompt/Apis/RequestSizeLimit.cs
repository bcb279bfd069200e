using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Ministudio.Platform;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// Caps request bodies at <c>Limits:MaxJsonBodyBytes</c>, 1 MiB by default, answering 413 <c>request.too_large</c>:
/// nothing oversized is parsed, stored or sent on to the bus. Endpoints declaring their own
/// <see cref="IRequestSizeLimitMetadata"/> (reference-image uploads) are left to it.
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next, IConfiguration configuration)
{
    public const string Setting = "Limits:MaxJsonBodyBytes";
    public const long DefaultMaxBytes = 1024 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        // Endpoints that declare their own limit (uploads) enforce it themselves, with their own code.
        if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is not null)
        {
            await next(context);
            return;
        }
        var limit = configuration.GetValue(Setting, DefaultMaxBytes);
        if (context.Request.ContentLength > limit)
        {
            await TooLarge(limit).ExecuteAsync(context);
            return;
        }
        // A chunked body has no length to check up front; the server stops reading it at the limit instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await TooLarge(limit).ExecuteAsync(context);
        }
    }

    private static IResult TooLarge(long limit) =>
        ApiProblems.Problem(ProblemCodes.RequestTooLarge, $"At most {limit} bytes.");
}
