using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>Applies prompt's schema before the service consumes or takes traffic (tenants are seeded after it, by TenantSeeder).</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource, ILogger<DatabaseInitializer> logger) : SchemaInitializer(dataSource, logger)
{
    protected override string Service => ResourceNames.Prompt;

    protected override string ReadSchema()
    {
        using var stream = typeof(DatabaseInitializer).Assembly.GetManifestResourceStream("Ministudio.Prompt.Infrastructure.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in the prompt assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
