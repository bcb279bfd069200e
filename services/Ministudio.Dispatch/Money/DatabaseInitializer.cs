using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Dispatch.Money;

/// <summary>Applies dispatch's schema before the service consumes shots or answers usage queries.</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource, ILogger<DatabaseInitializer> logger) : SchemaInitializer(dataSource, logger)
{
    protected override string Service => ResourceNames.Dispatch;

    protected override string SchemaResource => "Ministudio.Dispatch.Money.Schema.sql";
}
