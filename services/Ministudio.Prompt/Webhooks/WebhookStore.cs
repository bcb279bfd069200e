using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ministudio.Prompt.Webhooks;

/// <summary>A webhook as its tenant sees it; the secret appears only in the answer that created or rotated it.</summary>
public sealed record WebhookView(
    Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset? PreviousSecretExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null);

/// <summary>One queued event for one webhook, for tenants debugging their receiver. Id is the webhook-id header.</summary>
public sealed record DeliveryView(
    string Id, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Webhook endpoints per tenant, with their signing secrets encrypted at rest.</summary>
public sealed class WebhookStore(NpgsqlDataSource dataSource, IDataProtectionProvider dataProtection, IOptions<WebhookOptions> settings)
{
    private readonly WebhookOptions _options = settings.Value;

    public const string ProtectionPurpose = "Ministudio.Webhooks";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(ProtectionPurpose);

    public static string MessageId(Guid deliveryId) => $"msg_{deliveryId:N}";

    public async Task<WebhookView> CreateAsync(Guid tenantId, string url, IReadOnlyList<string> events, CancellationToken ct)
    {
        var secret = WebhookSigner.NewSecret();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO webhooks (id, tenant_id, url, events, secret) VALUES (@id, @tenant, @url, @events, @secret) RETURNING created_at");
        var id = Guid.CreateVersion7();
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("url", url);
        command.Parameters.AddWithValue("events", events.ToArray());
        command.Parameters.AddWithValue("secret", _protector.Protect(secret));
        var createdAt = (DateTime)(await command.ExecuteScalarAsync(ct))!;
        return new WebhookView(id, url, events, true, new DateTimeOffset(createdAt, TimeSpan.Zero), null, secret);
    }

    public async Task<IReadOnlyList<WebhookView>> ListAsync(Guid tenantId, CancellationToken ct) => await SelectAsync(tenantId, null, ct);

    public async Task<WebhookView?> FindAsync(Guid tenantId, Guid id, CancellationToken ct) => (await SelectAsync(tenantId, id, ct)).SingleOrDefault();

    public async Task<bool> DeleteAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM webhooks WHERE id = @id AND tenant_id = @tenant");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>A new secret; the current one keeps signing beside it for <see cref="WebhookOptions.PreviousSecretLifetime"/>.</summary>
    public async Task<WebhookView?> RotateAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        var secret = WebhookSigner.NewSecret();
        await using var command = dataSource.CreateCommand(
            """
            UPDATE webhooks SET previous_secret = secret, previous_secret_expires_at = now() + @lifetime, secret = @secret
            WHERE id = @id AND tenant_id = @tenant
            """);
        command.Parameters.AddWithValue("secret", _protector.Protect(secret));
        command.Parameters.AddWithValue("lifetime", _options.PreviousSecretLifetime);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenantId);
        if (await command.ExecuteNonQueryAsync(ct) == 0) return null;
        return await FindAsync(tenantId, id, ct) is { } webhook ? webhook with { Secret = secret } : null;
    }

    public async Task<IReadOnlyList<DeliveryView>?> ListDeliveriesAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        if (await FindAsync(tenantId, id, ct) is null) return null;
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, event_type, status, attempts, last_status_code, last_error, next_attempt_at, created_at, updated_at
            FROM webhook_deliveries WHERE webhook_id = @id ORDER BY created_at DESC LIMIT 100
            """);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var deliveries = new List<DeliveryView>();
        while (await reader.ReadAsync(ct))
        {
            deliveries.Add(new DeliveryView(
                MessageId(reader.GetGuid(0)), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8)));
        }
        return deliveries;
    }

    /// <summary>The secrets deliveries are signed with now: the current one, and the previous one while it is still honoured.</summary>
    public IReadOnlyList<string> SigningSecrets(string protectedSecret, string? protectedPrevious, DateTimeOffset? previousExpiresAt) =>
        protectedPrevious is not null && previousExpiresAt > DateTimeOffset.UtcNow
            ? [_protector.Unprotect(protectedSecret), _protector.Unprotect(protectedPrevious)]
            : [_protector.Unprotect(protectedSecret)];

    private async Task<List<WebhookView>> SelectAsync(Guid tenantId, Guid? id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT id, url, events, disabled_at IS NULL, created_at, CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END
            FROM webhooks WHERE tenant_id = @tenant AND (@id::uuid IS NULL OR id = @id) ORDER BY created_at
            """);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)id ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var webhooks = new List<WebhookView>();
        while (await reader.ReadAsync(ct))
        {
            webhooks.Add(new WebhookView(
                reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<string[]>(2), reader.GetBoolean(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return webhooks;
    }
}
