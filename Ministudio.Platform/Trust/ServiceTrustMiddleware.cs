using Microsoft.AspNetCore.Http;
using HostingExtensions = Microsoft.Extensions.Hosting.Extensions;

namespace Ministudio.Platform.Trust;

/// <summary>
/// Behind the gateway every request must carry a valid <see cref="ServiceAssertion"/>; anything else (a forged
/// <c>X-Tenant-Id</c>, a bare call from inside the network) is refused with 401 before routing, so a caller without
/// the key learns nothing, not even which routes exist. Only the health probes are open (the orchestrator has no key).
/// </summary>
public sealed class ServiceTrustMiddleware(RequestDelegate next, ServiceAssertions assertions)
{
    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(HostingExtensions.HealthEndpointPath) || path.StartsWithSegments(HostingExtensions.AlivenessEndpointPath))
            return next(context);

        var value = context.Request.Headers[ServiceAssertion.Header].ToString();
        if (value.Length == 0) return Refuse(context, ProblemCodes.AuthAssertionMissing);
        if (!assertions.TryVerify(value, out var assertion)) return Refuse(context, ProblemCodes.AuthAssertionInvalid);
        context.Features.Set(assertion);
        return next(context);
    }

    private static Task Refuse(HttpContext context, ProblemCode problem) => ApiProblems.Problem(problem).ExecuteAsync(context);
}
