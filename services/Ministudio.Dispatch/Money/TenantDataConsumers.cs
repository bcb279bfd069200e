using MassTransit;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;

namespace Ministudio.Dispatch.Money;

/// <summary>Erasure (GDPR): the tenant's ledger rows, plan copy and cached results go.</summary>
public sealed class TenantErasedConsumer(CostLedger ledger, ResultCache cache, ILogger<TenantErasedConsumer> logger) : IConsumer<TenantErased>
{
    public async Task Consume(ConsumeContext<TenantErased> context)
    {
        var tenant = context.Message.TenantId;
        var rows = await ledger.EraseTenantAsync(tenant, context.CancellationToken);
        var cached = await cache.EraseTenantAsync(tenant, context.CancellationToken);
        logger.LogInformation("Erased tenant {TenantId}: {LedgerRows} ledger rows, {CacheKeys} cached results", tenant, rows, cached);
    }
}

/// <summary>Export: the tenant's ledger rows, for prompt's export archive.</summary>
public sealed class ExportTenantUsageConsumer(CostLedger ledger) : IConsumer<ExportTenantUsage>
{
    public async Task Consume(ConsumeContext<ExportTenantUsage> context) =>
        await context.RespondAsync(new TenantUsageExported(context.Message.TenantId, await ledger.ExportTenantAsync(context.Message.TenantId, context.CancellationToken)));
}
