using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Contracts;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Apis;

/// <summary>The shots to price: the <c>shots</c> of a <c>POST /v1/films:compile</c> answer, as they are.</summary>
public sealed record EstimateRequest(IReadOnlyList<EstimatedShot>? Shots);

public sealed record EstimatedShot(int Index, ShotRequest? Request);

public sealed record EstimateReport(IReadOnlyList<ShotEstimate> Shots, decimal TotalUsd, bool Complete);

/// <summary>
/// POST /v1/estimates: what compiled shots would cost, from the capability catalogue and the tenant's plan, before
/// anything is spent. Read-only: no reservation, no vendor call.
/// </summary>
public static class EstimatesApi
{
    public const int MaxShots = 50;

    public static IEndpointRouteBuilder MapEstimatesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/estimates", EstimateAsync).WithTags("Estimates").DescribesBody<EstimateRequest>()
            .ProducesProblems(ProblemCodes.EstimateShotsEmpty, ProblemCodes.EstimateTooManyShots, ProblemCodes.EstimateRequestMissing, ProblemCodes.RequestMalformedJson);
        return app;
    }

    private static async Task<Results<Ok<EstimateReport>, ProblemHttpResult>> EstimateAsync(
        HttpContext context, ShotRouter router, CostLedger ledger, CancellationToken ct)
    {
        if (!TenantContext.TryGetTenantId(context, out var tenantId)) return TenantContext.Missing();
        var (body, problem) = await JsonBody.ReadAsync<EstimateRequest>(context, "the shots to estimate", ct);
        if (problem is not null) return problem;
        var shots = body!.Shots ?? [];
        var errors = new List<FieldError>();
        if (shots.Count == 0) errors.Add(new("shots", ProblemCodes.EstimateShotsEmpty.Code, "Send the shots of a compile answer."));
        if (shots.Count > MaxShots) errors.Add(new("shots", ProblemCodes.EstimateTooManyShots.Code, $"At most {MaxShots} shots."));
        for (var i = 0; i < shots.Count && i < MaxShots; i++)
            if (shots[i].Request is null) errors.Add(new($"shots[{i}].request", ProblemCodes.EstimateRequestMissing.Code, "Each shot needs its compiled request."));
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var plan = await ledger.PlanOfAsync(tenantId, ct);
        var estimates = shots.Select(s => router.Estimate(s.Index, s.Request!, plan)).ToList();
        return TypedResults.Ok(new EstimateReport(estimates, estimates.Sum(e => e.Usd ?? 0), estimates.All(e => e.Usd is not null)));
    }
}
