using MassTransit;
using Ministudio.Contracts;
using Ministudio.Dispatch.Routing;

namespace Ministudio.Dispatch.Consumers;

/// <summary>Runs on every dispatch instance (its own temporary queue): each drops its copy of the tenant's secrets.</summary>
public sealed class TenantProviderSecretChangedConsumer(TenantVendorSecrets secrets) : IConsumer<TenantProviderSecretChanged>
{
    public Task Consume(ConsumeContext<TenantProviderSecretChanged> context)
    {
        secrets.Forget(context.Message.TenantId);
        return Task.CompletedTask;
    }
}
