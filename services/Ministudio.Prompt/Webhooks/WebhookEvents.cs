using System.Text.Json;
using Npgsql;

namespace Ministudio.Prompt.Webhooks;

/// <summary>The events a webhook can subscribe to: a job reaching each of its final states.</summary>
public static class WebhookEvents
{
    public const string JobSucceeded = "job.succeeded";
    public const string JobFailed = "job.failed";
    public const string JobCanceled = "job.canceled";

    public static readonly IReadOnlyList<string> All = [JobSucceeded, JobFailed, JobCanceled];

    /// <summary>
    /// Within the caller's transaction (the one that gives the job its final state), queues one delivery of the event to
    /// every enabled webhook of the job's tenant that subscribed to it; so an event is announced exactly when it happened.
    /// </summary>
    public static async Task EnqueueJobEventAsync<TData>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, string eventType, TData data, CancellationToken ct)
    {
        // The envelope Standard Webhooks recommends: type, timestamp, data. Stored as text so every retry sends the same bytes.
        var payload = JsonSerializer.Serialize(new { type = eventType, timestamp = DateTimeOffset.UtcNow, data }, JsonSerializerOptions.Web);
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO webhook_deliveries (id, webhook_id, event_type, payload)
            SELECT gen_random_uuid(), w.id, @type, @payload
            FROM webhooks w JOIN jobs j ON j.tenant_id = w.tenant_id
            WHERE j.id = @job AND w.disabled_at IS NULL AND @type = ANY (w.events)
            """, connection, transaction);
        command.Parameters.AddWithValue("type", eventType);
        command.Parameters.AddWithValue("payload", payload);
        command.Parameters.AddWithValue("job", jobId);
        await command.ExecuteNonQueryAsync(ct);
    }
}
