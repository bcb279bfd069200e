using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Dispatch.Money;

/// <summary>Applies dispatch's schema before the service consumes shots or answers usage queries.</summary>
public sealed class DatabaseInitializer(NpgsqlDataSource dataSource, ILogger<DatabaseInitializer> logger) : SchemaInitializer(dataSource, logger)
{
    protected override string Service => ResourceNames.Dispatch;

    protected override string ReadSchema()
    {
        using var stream = typeof(DatabaseInitializer).Assembly.GetManifestResourceStream("Ministudio.Dispatch.Money.Schema.sql")
            ?? throw new InvalidOperationException("Schema.sql is not embedded in the dispatch assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
