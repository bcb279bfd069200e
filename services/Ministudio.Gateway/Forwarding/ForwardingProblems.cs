using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Ministudio.Platform;
using Yarp.ReverseProxy.Forwarder;

namespace Ministudio.Gateway.Forwarding;

/// <summary>
/// The gateway's own answers around a forward: a body over the limit is 413 <c>request.too_large</c> whether or not it
/// announced its length (never a 502 from a half-sent forward), and YARP's errors become problems with a code.
/// </summary>
public sealed class ForwardingProblems(RequestDelegate next, IOptions<BodyLimitOptions> options, ILogger<ForwardingProblems> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblems.TooLarge(limit).ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature) feature.MaxRequestBodySize = limit;

        await next(context);

        if (context.GetForwarderErrorFeature() is not { } error || context.Response.HasStarted) return;
        logger.LogWarning(error.Exception, "Forwarding {Path} failed: {Error}", context.Request.Path, error.Error);
        IResult answer = error switch
        {
            { Exception: BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } } => ApiProblems.TooLarge(limit),
            { Error: ForwarderError.RequestBodyClient or ForwarderError.RequestCanceled } =>
                ApiProblems.Problem(ProblemCodes.RequestBodyIncomplete),
            { Error: ForwarderError.RequestTimedOut } =>
                ApiProblems.Problem(ProblemCodes.UpstreamTimeout),
            _ => ApiProblems.Problem(ProblemCodes.UpstreamUnavailable),
        };
        await answer.ExecuteAsync(context);
    }
}
