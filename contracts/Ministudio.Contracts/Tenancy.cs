namespace Ministudio.Contracts;

/// <summary>
/// prompt → dispatch: a tenant's plan was set or changed. Dispatch enforces the monthly budget (null: no budget) and
/// the providers the plan allows (empty: all). With <paramref name="PlatformKeyFallback"/> a shot whose tenant key
/// (BYOK) a vendor refuses is made with the platform's key instead of failing.
/// </summary>
public sealed record TenantPlanChanged(
    Guid TenantId, string Plan, decimal? MonthlyBudgetUsd, IReadOnlyList<string> AllowedProviders, bool PlatformKeyFallback = false);

/// <summary>
/// prompt → every dispatch instance: a tenant's own vendor secret (BYOK) was set or removed; the secret itself never
/// travels on the bus, dispatch reads it from prompt when it next needs it.
/// </summary>
public sealed record TenantProviderSecretChanged(Guid TenantId, string Vendor);

/// <summary>prompt → dispatch, over a signed internal call: a tenant's own vendor secrets (BYOK), vendor → secret.</summary>
public sealed record TenantProviderSecrets(IReadOnlyDictionary<string, string> Secrets);
