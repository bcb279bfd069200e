using Npgsql;

namespace Ministudio.Dispatch.Money;

/// <summary>Applies dispatch's schema before the service consumes shots or answers usage queries.</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource) : IHostedService
{
    private const long SchemaLockId = 0x4D53446973706174; // "MSDispat": not prompt's lock, so the two apply side by side

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockId}); {ReadSchema()}", connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string ReadSchema()
    {
        using var stream = typeof(DatabaseInitializer).Assembly.GetManifestResourceStream("Ministudio.Dispatch.Money.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in the dispatch assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
