namespace Ministudio.Contracts;

/// <summary>
/// prompt → dispatch: a tenant's plan was set or changed. Dispatch enforces the monthly budget (null: no budget) and
/// the providers the plan allows (empty: all).
/// </summary>
public sealed record TenantPlanChanged(Guid TenantId, string Plan, decimal? MonthlyBudgetUsd, IReadOnlyList<string> AllowedProviders);
