using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Platform.Trust;

/// <summary>
/// Lets only the named services call a route: every caller is already authenticated by its signed assertion
/// (<see cref="ServiceTrustMiddleware"/>); this says which of them a route answers, e.g. tenants' vendor secrets go to
/// dispatch and to no one else, not even the gateway.
/// </summary>
public static class ServiceCallerFilter
{
    public static TBuilder AnswersOnly<TBuilder>(this TBuilder builder, params string[] services) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<ServiceAssertion>() is { } assertion && services.Contains(assertion.Service, StringComparer.Ordinal)
                ? await next(context)
                : ApiProblems.Problem(ProblemCodes.AuthServiceForbidden));
}
