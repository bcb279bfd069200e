using System.Text.Json;
using Npgsql;

namespace Ministudio.Prompt.Library;

/// <summary>A library entry as the API shows it.</summary>
public sealed record LibraryItem<T>(Guid Id, string Name, T Item, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>Tenant-scoped storage of library items of one kind; another tenant's item is indistinguishable from a missing one.</summary>
public sealed class LibraryStore(NpgsqlDataSource dataSource)
{
    public enum SaveOutcome { Saved, NotFound, NameTaken }

    public async Task<(SaveOutcome Outcome, LibraryItem<T>? Item)> CreateAsync<T>(Guid tenant, string kind, string name, T item, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO library_items (id, tenant_id, kind, name, body) VALUES (@id, @tenant, @kind, @name, @body)
            ON CONFLICT (tenant_id, kind, name) DO NOTHING
            RETURNING id, name, body::text, created_at, updated_at
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.Add(Json(item));
        var created = await ReadOneAsync<T>(command, ct);
        return created is null ? (SaveOutcome.NameTaken, null) : (SaveOutcome.Saved, created);
    }

    public async Task<(SaveOutcome Outcome, LibraryItem<T>? Item)> ReplaceAsync<T>(Guid tenant, string kind, Guid id, string name, T item, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            UPDATE library_items SET name = @name, body = @body, updated_at = now()
            WHERE id = @id AND tenant_id = @tenant AND kind = @kind
              AND NOT EXISTS (SELECT 1 FROM library_items o WHERE o.tenant_id = @tenant AND o.kind = @kind AND o.name = @name AND o.id <> @id)
            RETURNING id, name, body::text, created_at, updated_at
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.Add(Json(item));
        if (await ReadOneAsync<T>(command, ct) is { } replaced) return (SaveOutcome.Saved, replaced);
        return await FindAsync<T>(tenant, kind, id, ct) is null ? (SaveOutcome.NotFound, null) : (SaveOutcome.NameTaken, null);
    }

    public async Task<LibraryItem<T>?> FindAsync<T>(Guid tenant, string kind, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, name, body::text, created_at, updated_at FROM library_items WHERE id = @id AND tenant_id = @tenant AND kind = @kind");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        return await ReadOneAsync<T>(command, ct);
    }

    /// <summary>An item by its name, which is unique per tenant and kind.</summary>
    public async Task<LibraryItem<T>?> FindByNameAsync<T>(Guid tenant, string kind, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, name, body::text, created_at, updated_at FROM library_items WHERE tenant_id = @tenant AND kind = @kind AND name = @name");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        command.Parameters.AddWithValue("name", name.Trim());
        return await ReadOneAsync<T>(command, ct);
    }

    public async Task<IReadOnlyList<LibraryItem<T>>> ListAsync<T>(Guid tenant, string kind, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, name, body::text, created_at, updated_at FROM library_items WHERE tenant_id = @tenant AND kind = @kind ORDER BY name");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        var items = new List<LibraryItem<T>>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) items.Add(Read<T>(reader));
        return items;
    }

    public async Task<bool> DeleteAsync(Guid tenant, string kind, Guid id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM library_items WHERE id = @id AND tenant_id = @tenant AND kind = @kind");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("kind", kind);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task<LibraryItem<T>?> ReadOneAsync<T>(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read<T>(reader) : null;
    }

    private static LibraryItem<T> Read<T>(NpgsqlDataReader reader) => new(
        reader.GetGuid(0), reader.GetString(1), JsonSerializer.Deserialize<T>(reader.GetString(2), JsonSerializerOptions.Web)!,
        reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));

    private static NpgsqlParameter Json<T>(T value) =>
        new("body", NpgsqlTypes.NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(value, JsonSerializerOptions.Web) };
}
