using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Dispatch.Money;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Apis;

public sealed record UsageTotals(decimal ReservedUsd, decimal CommittedUsd, int Attempts, int CacheHits, decimal ByokUsd);

public sealed record UsageBudget(decimal? MonthlyBudgetUsd, decimal SpentThisMonthUsd, decimal? RemainingUsd);

public sealed record UsageReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, IReadOnlyList<UsageGroup> Groups, UsageTotals Totals, UsageBudget Budget);

/// <summary>GET /v1/usage: what a tenant's shots cost, from the cost ledger.</summary>
public static class UsageApi
{
    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/usage", GetUsageAsync).WithTags("Usage").ProducesProblems(ProblemCodes.UsageRangeEmpty, ProblemCodes.UsageGroupByInvalid, ProblemCodes.UsageInstantInvalid);
        return app;
    }

    /// <summary>[from, to) defaults to the current calendar month (UTC); groupBy is vendor (default), day or job.</summary>
    private static async Task<Results<Ok<UsageReport>, ProblemHttpResult>> GetUsageAsync(
        HttpContext context, CostLedger ledger, TimeProvider time, string? from, string? to, string? groupBy, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenantId)) return TenantContext.Missing();

        var now = time.GetUtcNow();
        var errors = new List<FieldError>();
        var start = Instant(from, "from", errors) ?? new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = Instant(to, "to", errors) ?? now;
        if (errors.Count == 0 && end <= start) errors.Add(new("to", ProblemCodes.UsageRangeEmpty.Code, "'to' must be later than 'from'."));
        UsageGrouping grouping = default;
        if (groupBy is not null && (!Enum.TryParse(groupBy, ignoreCase: true, out grouping) || !Enum.IsDefined(grouping) || int.TryParse(groupBy, out _)))
            errors.Add(new("groupBy", ProblemCodes.UsageGroupByInvalid.Code, "Use vendor, day or job."));
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var groups = await ledger.UsageAsync(tenantId, start, end, grouping, ct);
        var budget = await ledger.BudgetAsync(tenantId, ct);
        var totals = new UsageTotals(groups.Sum(g => g.ReservedUsd), groups.Sum(g => g.CommittedUsd), groups.Sum(g => g.Attempts), groups.Sum(g => g.CacheHits), groups.Sum(g => g.ByokUsd));
        return TypedResults.Ok(new UsageReport(start, end, grouping.ToString().ToLowerInvariant(), groups, totals,
            new UsageBudget(budget.MonthlyBudgetUsd, budget.SpentThisMonthUsd, budget.RemainingUsd)));
    }

    private static DateTimeOffset? Instant(string? value, string field, List<FieldError> errors)
    {
        if (value is null) return null;
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var instant)) return instant.ToUniversalTime();
        errors.Add(new(field, ProblemCodes.UsageInstantInvalid.Code, $"'{field}' must be an ISO 8601 date or instant."));
        return null;
    }
}
