using System.Diagnostics;
using System.Text.Json;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>One admin change: who, what, on which target, the state before and after (secrets redacted), and the trace.</summary>
public sealed record AuditEntry(
    long Id, DateTimeOffset At, string Actor, string Action, string Target, JsonElement? Before, JsonElement? After, string? TraceId);

/// <summary>The append-only audit log (table audit_log; a trigger refuses updates and deletes).</summary>
public static class AuditLog
{
    public const string Redacted = "***";

    /// <summary>Appends inside the change's own transaction, so a change and its audit row commit together.</summary>
    public static async Task AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string actor, string action, string target, object? before, object? after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "INSERT INTO audit_log (actor, action, target, before, after, trace_id) VALUES (@actor, @action, @target, @before, @after, @trace)",
            connection, transaction);
        command.Parameters.AddWithValue("actor", actor);
        command.Parameters.AddWithValue("action", action);
        command.Parameters.AddWithValue("target", target);
        command.Parameters.Add(Json("before", before));
        command.Parameters.Add(Json("after", after));
        command.Parameters.AddWithValue("trace", (object?)Activity.Current?.TraceId.ToString() ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Newest first.</summary>
    public static async Task<IReadOnlyList<AuditEntry>> ListAsync(NpgsqlDataSource dataSource, int limit, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, at, actor, action, target, before::text, after::text, trace_id FROM audit_log ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(ct))
        {
            entries.Add(new AuditEntry(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : JsonDocument.Parse(reader.GetString(5)).RootElement,
                reader.IsDBNull(6) ? null : JsonDocument.Parse(reader.GetString(6)).RootElement,
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return entries;
    }

    private static NpgsqlParameter Json(string name, object? value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, JsonSerializerOptions.Web) };
}
