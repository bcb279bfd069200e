using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Ministudio.ServiceDefaults;

namespace Ministudio.Platform.Trust;

/// <summary>How services trust each other: signed assertions (<see cref="ServiceAssertions"/>) on every hop.</summary>
public static class ServiceTrust
{
    /// <summary>
    /// A service behind the gateway: every request must carry a valid assertion (health probes excepted), and its own
    /// calls to other services are signed (<see cref="AddServiceCredential"/>).
    /// </summary>
    public static IHostApplicationBuilder AddServiceTrust(this IHostApplicationBuilder builder, string service)
    {
        builder.AddServiceAssertions(service);
        builder.Services.AddTransient<IStartupFilter, ServiceTrustStartup>();
        return builder;
    }

    /// <summary>The edge (the gateway): mints assertions for what it forwards, verifies none (its callers hold API keys).</summary>
    public static IHostApplicationBuilder AddServiceAssertions(this IHostApplicationBuilder builder, string service)
    {
        builder.Configuration.GetRequiredValue(ServiceTrustOptions.SigningKeyKey);
        builder.Services.AddOptions<ServiceTrustOptions>().BindConfiguration(ServiceTrustOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceAssertions>();
        builder.Services.AddSingleton(new ServiceIdentity(service));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddTransient<ServiceCredentialHandler>();
        return builder;
    }

    /// <summary>Signs this client's calls; only for clients of other Ministudio services.</summary>
    public static IHttpClientBuilder AddServiceCredential(this IHttpClientBuilder client) =>
        client.AddHttpMessageHandler<ServiceCredentialHandler>();

    /// <summary>Right after the problem answers' middleware, so a refusal is problem+json too, and before routing.</summary>
    private sealed class ServiceTrustStartup : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseMiddleware<ServiceTrustMiddleware>();
            next(app);
        };
    }
}
