using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Webhooks;
using Ministudio.Prompt.Networking;

namespace Ministudio.Prompt.Apis;

/// <summary>Webhook endpoints of a tenant: register (secret shown once), list, delete, rotate the secret, inspect deliveries.</summary>
public static class WebhooksApi
{
    public const int MaxWebhooksPerTenant = 20;

    public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events);

    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/", CreateAsync).DescribesBody<CreateWebhookRequest>().ProducesProblems(ProblemCodes.WebhookLimitReached, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        webhooks.MapGet("/", ListAsync);
        webhooks.MapGet("/{id:guid}", GetAsync).ProducesProblems(ProblemCodes.WebhookNotFound);
        webhooks.MapDelete("/{id:guid}", DeleteAsync).ProducesProblems(ProblemCodes.WebhookNotFound);
        webhooks.MapPost("/{id:guid}:rotate", RotateAsync).ProducesProblems(ProblemCodes.WebhookNotFound);
        webhooks.MapGet("/{id:guid}/deliveries", ListDeliveriesAsync).ProducesProblems(ProblemCodes.WebhookNotFound);
        return app;
    }

    public static async Task<Results<Created<WebhookView>, ProblemHttpResult>> CreateAsync(
        HttpContext context, WebhookStore store, SsrfGuard guard, CancellationToken ct)
    {
        var tenant = TenantFilter.TenantOf(context);
        var (request, problem) = await JsonBody.ReadAsync<CreateWebhookRequest>(context, "a webhook", ct);
        if (problem is not null) return problem;

        var errors = new List<FieldError>();
        // Checked now so a tenant learns at once; checked again at every delivery, because DNS answers change.
        if (await guard.CheckAsync(request!.Url, ct) is { } refusal) errors.Add(new FieldError("url", refusal.Code, refusal.Reason));
        var events = request.Events is { Count: > 0 } chosen ? chosen.Distinct().ToList() : [.. WebhookEvents.All];
        foreach (var unknown in events.Where(e => !WebhookEvents.All.Contains(e)))
            errors.Add(new FieldError("events", "webhook.event_unknown", $"'{unknown}' is not an event; use {string.Join(", ", WebhookEvents.All)}."));
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        if ((await store.ListAsync(tenant, ct)).Count >= MaxWebhooksPerTenant)
            return ApiProblems.Problem(ProblemCodes.WebhookLimitReached, title: $"A tenant may register at most {MaxWebhooksPerTenant} webhooks.");

        var webhook = await store.CreateAsync(tenant, request.Url!.Trim(), events, ct);
        return TypedResults.Created($"/v1/webhooks/{webhook.Id}", webhook);
    }

    public static async Task<Ok<IReadOnlyList<WebhookView>>> ListAsync(HttpContext context, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok(await store.ListAsync(TenantFilter.TenantOf(context), ct));

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> GetAsync(Guid id, HttpContext context, WebhookStore store, CancellationToken ct) =>
        await store.FindAsync(TenantFilter.TenantOf(context), id, ct) is { } webhook
            ? TypedResults.Ok(webhook)
            : NotFound();

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HttpContext context, WebhookStore store, CancellationToken ct) =>
        await store.DeleteAsync(TenantFilter.TenantOf(context), id, ct) ? TypedResults.NoContent() : NotFound();

    public static async Task<Results<Ok<WebhookView>, ProblemHttpResult>> RotateAsync(Guid id, HttpContext context, WebhookStore store, CancellationToken ct) =>
        await store.RotateAsync(TenantFilter.TenantOf(context), id, ct) is { } webhook
            ? TypedResults.Ok(webhook)
            : NotFound();

    public static async Task<Results<Ok<IReadOnlyList<DeliveryView>>, ProblemHttpResult>> ListDeliveriesAsync(
        Guid id, HttpContext context, WebhookStore store, CancellationToken ct) =>
        await store.ListDeliveriesAsync(TenantFilter.TenantOf(context), id, ct) is { } deliveries
            ? TypedResults.Ok(deliveries)
            : NotFound();

    private static ProblemHttpResult NotFound() => ApiProblems.Problem(ProblemCodes.WebhookNotFound);
}
