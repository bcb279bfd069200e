using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ministudio.ServiceDefaults;

/// <summary>
/// Applies a service's idempotent schema script at start-up, once per version of the script: its SHA-256 is kept in
/// <c>public.schema_versions</c>, and a start whose script is already applied runs no DDL at all. Why: even a no-op
/// <c>ALTER TABLE … ADD COLUMN IF NOT EXISTS</c> takes an ACCESS EXCLUSIVE lock, so a restarted replica re-applying the
/// schema deadlocked with the rows the running replicas' consumers were updating, and the service died at start-up
/// (chaos R1, prompt killed mid-batch). Register it before the bus, so nothing is consumed before the schema is there.
/// </summary>
public abstract class SchemaInitializer(NpgsqlDataSource dataSource, ILogger logger) : IHostedService
{
    // One lock for every service's schema: start-ups are short, and schema_versions is shared by all of them.
    private const long SchemaLockId = 0x4D696E6973747564; // "Ministud"

    /// <summary>How long a schema change waits between tries when live traffic holds its tables (a deadlock or the lock timeout).</summary>
    private static readonly TimeSpan[] Retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)];

    /// <summary>The service whose schema this is (its row in schema_versions).</summary>
    protected abstract string Service { get; }

    /// <summary>The idempotent schema script: the name of its embedded resource in the service's assembly.</summary>
    protected abstract string SchemaResource { get; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schema = ReadSchema();
        var version = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(schema)));
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ApplyAsync(schema, version, cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable && attempt < Retries.Length)
            {
                logger.LogWarning("The {Service} schema met live traffic ({SqlState}); trying again in {Delay}", Service, ex.SqlState, Retries[attempt]);
                await Task.Delay(Retries[attempt], cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string ReadSchema()
    {
        using var stream = GetType().Assembly.GetManifestResourceStream(SchemaResource)
            ?? throw new InvalidOperationException($"{SchemaResource} is not embedded in the {Service} assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private async Task ApplyAsync(string schema, string version, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var prepare = new NpgsqlCommand(
            $"SELECT pg_advisory_xact_lock({SchemaLockId}); CREATE TABLE IF NOT EXISTS public.schema_versions (service text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
            connection, transaction))
            await prepare.ExecuteNonQueryAsync(ct);
        await using (var applied = new NpgsqlCommand("SELECT sha256 FROM public.schema_versions WHERE service = $1", connection, transaction) { Parameters = { new() { Value = Service } } })
        {
            if (await applied.ExecuteScalarAsync(ct) as string == version)
            {
                await transaction.CommitAsync(ct);
                return;
            }
        }
        // A new script: its DDL waits at most 5 s for a table lock, so live traffic never queues long behind it (then retried).
        await using (var apply = new NpgsqlCommand($"SET LOCAL lock_timeout = '5s'; {schema}", connection, transaction))
            await apply.ExecuteNonQueryAsync(ct);
        await using (var record = new NpgsqlCommand(
            "INSERT INTO public.schema_versions (service, sha256) VALUES ($1, $2) ON CONFLICT (service) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()",
            connection, transaction) { Parameters = { new() { Value = Service }, new() { Value = version } } })
            await record.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        logger.LogInformation("Applied the {Service} schema {Version}", Service, version[..12]);
    }
}
