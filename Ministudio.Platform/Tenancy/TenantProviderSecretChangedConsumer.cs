using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Platform.Tenancy;

/// <summary>Runs on every instance of a service that pays vendors (its own temporary queue): each drops its copy of the tenant's secrets.</summary>
public sealed class TenantProviderSecretChangedConsumer(TenantVendorSecrets secrets) : IConsumer<TenantProviderSecretChanged>
{
    public Task Consume(ConsumeContext<TenantProviderSecretChanged> context)
    {
        secrets.Forget(context.Message.TenantId);
        return Task.CompletedTask;
    }
}
