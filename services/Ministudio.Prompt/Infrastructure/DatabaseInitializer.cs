using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>Applies the schema and seeds configured tenants before the service takes traffic.</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource, TenantDirectory tenants, IConfiguration configuration, ILogger<DatabaseInitializer> logger)
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

        foreach (var (tenant, key) in SeedKeys())
        {
            // Seeded keys follow the format the gateway checks, or they could never authenticate.
            if (!ApiKeys.IsWellFormed(key))
                throw new InvalidOperationException($"The seeded API key of tenant '{tenant}' is not a well-formed Ministudio key (ms_<type>_…, see ApiKeys).");
            await tenants.EnsureTenantWithKeyAsync(tenant, key, cancellationToken);
            logger.LogInformation("Seeded API key {Prefix}… for tenant {Tenant}", TenantDirectory.PrefixOf(key), tenant);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Seed:DevelopmentApiKey (the launcher's key) and Seed:Tenants:{name}:ApiKey entries.</summary>
    private IEnumerable<(string Tenant, string Key)> SeedKeys()
    {
        if (configuration["Seed:DevelopmentApiKey"] is { Length: > 0 } developmentKey)
            yield return ("development", developmentKey);
        foreach (var tenant in configuration.GetSection("Seed:Tenants").GetChildren())
        {
            if (tenant["ApiKey"] is { Length: > 0 } key) yield return (tenant.Key, key);
        }
    }

    private static string ReadSchema()
    {
        using var stream = typeof(DatabaseInitializer).Assembly.GetManifestResourceStream("Ministudio.Prompt.Infrastructure.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in the prompt assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
