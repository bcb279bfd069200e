using MassTransit;
using Ministudio.Contracts;

namespace Ministudio.Dispatch.Money;

/// <summary>Keeps dispatch's copy of each tenant's budget and allowed providers.</summary>
public sealed class TenantPlanChangedConsumer(CostLedger ledger) : IConsumer<TenantPlanChanged>
{
    public Task Consume(ConsumeContext<TenantPlanChanged> context) => ledger.SetPlanAsync(context.Message, context.CancellationToken);
}
