using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>Applies prompt's schema before the service consumes or takes traffic (tenants are seeded after it, by TenantSeeder).</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource, ILogger<DatabaseInitializer> logger) : SchemaInitializer(dataSource, logger)
{
    protected override string Service => ResourceNames.Prompt;

    protected override string SchemaResource => "Ministudio.Prompt.Infrastructure.Schema.sql";
}
