using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Configuration;

namespace Ministudio.Platform;

/// <summary>
/// Caps JSON request bodies at <c>Limits:MaxJsonBodyBytes</c>, 1 MiB by default, answering 413 <c>request.too_large</c>:
/// nothing oversized is parsed, stored or sent on to the bus. Endpoints declaring their own
/// <see cref="IRequestSizeLimitMetadata"/> (uploads, batches) are left to it.
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next, IConfiguration configuration)
{
    public const string Setting = "Limits:MaxJsonBodyBytes";
    public const long DefaultMaxBytes = 1024 * 1024;

    /// <summary>How much of an oversized chunked body is read and dropped so the 413 reaches a proxy on a clean connection.</summary>
    private const long DrainBytes = 32L * 1024 * 1024;

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
            await ApiProblems.TooLarge(limit).ExecuteAsync(context);
            return;
        }
        // A chunked body has no length to check up front: it is counted as it is read. The server's own cap sits above,
        // so that the rest can be drained: a proxy still sending a body that was cut short sees a reset, not our 413.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit + DrainBytes;
        var body = context.Request.Body;
        context.Request.Body = new CountedBody(body, limit);
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            await DrainAsync(body, context.RequestAborted);
            await ApiProblems.TooLarge(limit).ExecuteAsync(context);
        }
        finally
        {
            context.Request.Body = body;
        }
    }

    private static async Task DrainAsync(Stream body, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await body.ReadAsync(buffer, ct) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Past the drain cap as well: the connection closes, as it must.
        }
    }

    /// <summary>Throws the server's own 413 once more than the limit has been read.</summary>
    private sealed class CountedBody(Stream inner, long limit) : ObservedReadStream(inner)
    {
        protected override void OnRead(ReadOnlySpan<byte> bytes)
        {
            if (BytesRead > limit) throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }
    }
}
