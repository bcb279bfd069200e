using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>Applies the schema before the service takes traffic (tenants are seeded after it, by TenantSeeder).</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource)
    : IHostedService
{
    private const long SchemaLockId = 0x4D696E6973747564; // "Ministud"

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockId}); {ReadSchema()}", connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string ReadSchema()
    {
        using var stream = typeof(DatabaseInitializer).Assembly.GetManifestResourceStream("Ministudio.Prompt.Infrastructure.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in the prompt assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
