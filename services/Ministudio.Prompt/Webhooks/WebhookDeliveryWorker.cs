using System.Net;
using System.Net.Mime;
using System.Text;
using Ministudio.Prompt.Networking;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ministudio.Prompt.Webhooks;

/// <summary>Webhooks settings: retry schedule, per-attempt timeout, how long a rotated-out secret still signs.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    private static readonly TimeSpan[] DefaultRetryDelays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    /// <summary>
    /// Delay before each retry; when they are used up the delivery is failed. Each gets ±20 % jitter. Null means the
    /// default schedule (a default array would be appended to, not replaced, by configuration binding).
    /// </summary>
    public TimeSpan[]? RetryDelays { get; set; }

    public IReadOnlyList<TimeSpan> RetrySchedule => RetryDelays ?? DefaultRetryDelays;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan PreviousSecretLifetime { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>
/// Drains webhook_deliveries: claims due rows (SKIP LOCKED, so replicas share the work), POSTs each through the SSRF
/// guard with Standard Webhooks headers, and records the outcome: 2xx delivered, 410 disables the endpoint, anything
/// else is retried on the backoff schedule with the same webhook-id until the schedule runs out.
/// </summary>
public sealed class WebhookDeliveryWorker(
    NpgsqlDataSource dataSource, WebhookStore store, GuardedHttpClient http, IOptions<WebhookOptions> settings, ILogger<WebhookDeliveryWorker> logger)
    : BackgroundService
{
    private readonly WebhookOptions _options = settings.Value;

    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    private const int BatchSize = 20;

    private sealed record Claimed(
        Guid Id, string Payload, int Attempts, Guid WebhookId, string Url, string Secret, string? PreviousSecret, DateTimeOffset? PreviousExpiresAt, bool Enabled);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                var batch = await ClaimAsync(stoppingToken);
                claimed = batch.Count;
                await Task.WhenAll(batch.Select(delivery => DeliverAsync(delivery, stoppingToken)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Webhook delivery round failed; retrying");
            }
            if (claimed == BatchSize) continue;
            try
            {
                await Task.Delay(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Takes due deliveries and pushes their next attempt past the attempt's timeout, so a crash mid-send retries later.</summary>
    private async Task<List<Claimed>> ClaimAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE webhook_deliveries d SET next_attempt_at = now() + @lease
            FROM webhooks w
            WHERE w.id = d.webhook_id AND d.id IN (
                SELECT id FROM webhook_deliveries WHERE status = @pending AND next_attempt_at <= now()
                ORDER BY next_attempt_at LIMIT @batch FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.payload, d.attempts, w.id, w.url, w.secret, w.previous_secret, w.previous_secret_expires_at, w.disabled_at IS NULL
            """);
        command.Parameters.AddWithValue("lease", _options.Timeout + TimeSpan.FromSeconds(30));
        command.Parameters.AddWithValue("pending", Pending);
        command.Parameters.AddWithValue("batch", BatchSize);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var claimed = new List<Claimed>();
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(new Claimed(
                reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetGuid(3), reader.GetString(4), reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7), reader.GetBoolean(8)));
        }
        return claimed;
    }

    private async Task DeliverAsync(Claimed delivery, CancellationToken ct)
    {
        if (!delivery.Enabled)
        {
            await FinishAsync(delivery, Failed, null, "The endpoint is disabled.", ct);
            return;
        }

        int? statusCode = null;
        string? error = null;
        try
        {
            var messageId = WebhookStore.MessageId(delivery.Id);
            var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var signature = WebhookSigner.Sign(messageId, timestamp, delivery.Payload,
                store.SigningSecrets(delivery.Secret, delivery.PreviousSecret, delivery.PreviousExpiresAt));
            var (response, refusal) = await http.SendAsync(delivery.Url, uri =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, uri)
                {
                    Content = new StringContent(delivery.Payload, Encoding.UTF8, MediaTypeNames.Application.Json),
                };
                request.Headers.Add("webhook-id", messageId);
                request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", signature);
                return request;
            }, _options.Timeout, ct);
            using (response)
            {
                statusCode = response is null ? null : (int)response.StatusCode;
                error = refusal is not null ? $"{refusal.Code}: {refusal.Reason}" : null;
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            error = ex.Message;
        }

        if (statusCode is >= 200 and < 300)
        {
            await FinishAsync(delivery, Delivered, statusCode, null, ct);
        }
        else if (statusCode == (int)HttpStatusCode.Gone)
        {
            // 410 is the receiver saying the endpoint is gone for good: stop sending it anything.
            await DisableAsync(delivery.WebhookId, ct);
            await FinishAsync(delivery, Failed, statusCode, "The endpoint answered 410 Gone and was disabled.", ct);
        }
        else if (delivery.Attempts >= _options.RetrySchedule.Count)
        {
            await FinishAsync(delivery, Failed, statusCode, error, ct);
        }
        else
        {
            await RetryLaterAsync(delivery, statusCode, error, ct);
        }
    }

    private async Task FinishAsync(Claimed delivery, string status, int? statusCode, string? error, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE webhook_deliveries SET status = @status, attempts = attempts + 1, last_status_code = @code, last_error = @error, updated_at = now()
            WHERE id = @id
            """);
        command.Parameters.AddWithValue("status", status);
        AddOutcome(command, delivery, statusCode, error);
        await command.ExecuteNonQueryAsync(ct);
        if (status == Failed) logger.LogWarning("Webhook delivery {Delivery} to {Webhook} failed for good: {Status} {Error}", delivery.Id, delivery.WebhookId, statusCode, error);
    }

    private async Task RetryLaterAsync(Claimed delivery, int? statusCode, string? error, CancellationToken ct)
    {
        var delay = _options.RetrySchedule[delivery.Attempts] * (0.8 + 0.4 * Random.Shared.NextDouble());
        await using var command = dataSource.CreateCommand(
            """
            UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + @delay, last_status_code = @code, last_error = @error,
                                          updated_at = now()
            WHERE id = @id
            """);
        command.Parameters.AddWithValue("delay", delay);
        AddOutcome(command, delivery, statusCode, error);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static void AddOutcome(NpgsqlCommand command, Claimed delivery, int? statusCode, string? error)
    {
        command.Parameters.AddWithValue("id", delivery.Id);
        command.Parameters.Add(new NpgsqlParameter("code", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)statusCode ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
    }

    private async Task DisableAsync(Guid webhookId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("UPDATE webhooks SET disabled_at = now() WHERE id = @id AND disabled_at IS NULL");
        command.Parameters.AddWithValue("id", webhookId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
