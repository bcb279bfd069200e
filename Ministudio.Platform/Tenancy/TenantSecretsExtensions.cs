using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Platform.Tenancy;

public static class TenantSecretsExtensions
{
    /// <summary>
    /// Tenants' own vendor keys (BYOK), read from prompt, which alone can decrypt them, over a signed call
    /// (<see cref="TenantVendorSecrets"/>); settings from <c>TenantSecrets</c>. Pair with
    /// <see cref="AddTenantSecretInvalidation"/> on the bus so a changed key is used at once.
    /// </summary>
    public static IHostApplicationBuilder AddTenantVendorSecrets(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TenantSecretsOptions>().BindConfiguration(TenantSecretsOptions.Section)
            .Validate(options => options.IsValid, $"{TenantSecretsOptions.Section}:CacheFor must be above zero and at most 10 minutes.")
            .ValidateOnStart();
        builder.Services.AddHttpClient(TenantVendorSecrets.ClientName, client => client.BaseAddress = new Uri($"http://_http.{ResourceNames.Prompt}"))
            .AddServiceCredential();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TenantVendorSecrets>();
        return builder;
    }

    /// <summary>Every instance hears TenantProviderSecretChanged (a temporary queue of its own) and drops its copy.</summary>
    public static void AddTenantSecretInvalidation(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<TenantProviderSecretChangedConsumer>().Endpoint(endpoint => endpoint.EveryInstance());

    /// <summary>A temporary queue per instance, so every instance of the service hears the message, not just one.</summary>
    public static void EveryInstance(this IEndpointRegistrationConfigurator endpoint)
    {
        endpoint.InstanceId = Guid.NewGuid().ToString("N")[..12];
        endpoint.Temporary = true;
    }
}
