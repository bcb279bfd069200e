using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Ministudio.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL from the machine's binaries: a cluster initialised once in its data folder (trust auth, loopback only)
/// and the application's database created when missing. PostgreSQL refuses to run as root, so under root the server
/// runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServerResource(string name, string command, string workingDirectory, int port, string databaseName)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string ServiceUser = "postgres";

    public int Port { get; } = port;

    public string DatabaseName { get; } = databaseName;

    public string DataDirectory => Path.Combine(WorkingDirectory, "data");

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString()};Username={ServiceUser};Database={DatabaseName}");

    /// <summary>Ready when it takes connections; the application's database is created on the first success.</summary>
    internal async Task<HealthCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = ServiceUser, Database = "postgres", Pooling = false, Timeout = 3,
        };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", DatabaseName);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // CREATE DATABASE takes no parameters; the name is quoted as an identifier.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return HealthCheckResult.Healthy();
    }
}
