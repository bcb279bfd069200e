namespace Ministudio.Client;

/// <summary>The tenant's webhooks: job events signed and delivered to its own endpoints.</summary>
public sealed partial class MinistudioClient
{
    /// <summary>Registers an endpoint for <paramref name="events"/> (default: every <see cref="WebhookEvents"/>); its signing secret is in this answer only.</summary>
    public Task<Webhook> CreateWebhookAsync(Uri url, IReadOnlyList<string>? events = null, CancellationToken ct = default) =>
        _api.SendAsync<Webhook>(() => ApiTransport.Request(HttpMethod.Post, "v1/webhooks", ApiTransport.JsonContent(new { url, events })), ct);

    public Task<IReadOnlyList<Webhook>> ListWebhooksAsync(CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<Webhook>>(() => ApiTransport.Request(HttpMethod.Get, "v1/webhooks"), ct);

    public Task<Webhook> GetWebhookAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Webhook>(() => ApiTransport.Request(HttpMethod.Get, $"v1/webhooks/{id}"), ct);

    public async Task DeleteWebhookAsync(Guid id, CancellationToken ct = default)
    {
        using var _ = await _api.SendAsync(() => ApiTransport.Request(HttpMethod.Delete, $"v1/webhooks/{id}"), ct).ConfigureAwait(false);
    }

    /// <summary>A new signing secret (in this answer only); the previous one keeps verifying until <see cref="Webhook.PreviousSecretExpiresAt"/>.</summary>
    public Task<Webhook> RotateWebhookSecretAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<Webhook>(() => ApiTransport.Request(HttpMethod.Post, $"v1/webhooks/{id}:rotate"), ct);

    /// <summary>The webhook's queued and attempted deliveries, for debugging a receiver.</summary>
    public Task<IReadOnlyList<WebhookDelivery>> ListWebhookDeliveriesAsync(Guid id, CancellationToken ct = default) =>
        _api.SendAsync<IReadOnlyList<WebhookDelivery>>(() => ApiTransport.Request(HttpMethod.Get, $"v1/webhooks/{id}/deliveries"), ct);
}
