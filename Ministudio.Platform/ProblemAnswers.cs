using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ministudio.Platform;

/// <summary>
/// Every 4xx/5xx a service answers is <c>application/problem+json</c> with a stable <c>code</c> and the trace id:
/// routing misses, method mismatches, binding failures, body-size limits and unhandled exceptions included. Exception
/// types, messages and stacks go to the log only, in every environment (the developer exception page too).
/// </summary>
public static class ProblemAnswers
{
    public static IHostApplicationBuilder AddProblemAnswers(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = Complete);
        builder.Services.AddSingleton<ExceptionProblems>();
        builder.Services.AddSingleton<IExceptionHandler>(services => services.GetRequiredService<ExceptionProblems>());
        builder.Services.AddSingleton<IDeveloperPageExceptionFilter>(services => services.GetRequiredService<ExceptionProblems>());
        // Binding failures throw, so they reach ExceptionProblems with their reason instead of leaving a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddTransient<IStartupFilter, ProblemAnswersStartup>();
        return builder;
    }

    /// <summary>Fills in what every problem carries, whoever wrote it (our results, status pages, the framework).</summary>
    private static void Complete(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Extensions.Remove("exception"); // the developer page's internals, never sent
        if (!problem.Extensions.ContainsKey("code")) problem.Extensions["code"] = ProblemCodes.ForStatus(status).Code;
        problem.Type ??= $"https://ministudio.dev/problems/{problem.Extensions["code"]}";
        problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        if (context.Exception is not null && status >= 500) problem.Detail = null;
    }

    private sealed class ProblemAnswersStartup : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.UseMiddleware<RequestHygiene>();
            next(app);
        };
    }
}
