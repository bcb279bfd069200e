using System.Text.Json;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>Row helpers the job store and the state machine share.</summary>
internal static class JobRows
{
    /// <summary>Locks the job's row for the rest of the transaction; null when there is no such job.</summary>
    public static async Task<(Guid TenantId, string Status, string Stage)?> LockAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT tenant_id, status, stage FROM jobs WHERE id = @id FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public static NpgsqlParameter Json<T>(string name, T value) =>
        new(name, NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, JsonSerializerOptions.Web) };
}
