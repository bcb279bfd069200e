using DotNet.Testcontainers.Containers;
using Ministudio.ServiceDefaults;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;
using Testcontainers.Redis;

namespace Ministudio.TestSupport;

/// <summary>
/// Connection strings for the real servers tests run against. scripts/test.sh (and CI) start them on loopback and
/// export ConnectionStrings__{name}; where those are absent and a Docker engine exists, Testcontainers starts them.
/// </summary>
public static class TestInfrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly Dictionary<string, string> Started = [];
    private static readonly List<IContainer> Containers = [];

    public static Task<string> RedisAsync() => ConnectionStringAsync(ResourceNames.Redis, () => new RedisBuilder("redis:7.0").Build(), c => ((RedisContainer)c).GetConnectionString());

    public static Task<string> RabbitMqAsync() => ConnectionStringAsync(ResourceNames.RabbitMq, () => new RabbitMqBuilder("rabbitmq:3.13").Build(), c => ((RabbitMqContainer)c).GetConnectionString());

    public static Task<string> PostgresAsync() => ConnectionStringAsync(ResourceNames.Postgres, () => new PostgreSqlBuilder("postgres:15").Build(), c => ((PostgreSqlContainer)c).GetConnectionString());

    /// <summary>A new, empty database on the test PostgreSQL server, so test classes never see each other's rows.</summary>
    public static async Task<string> CreateDatabaseAsync(string purpose)
    {
        var server = await PostgresAsync();
        var name = $"test_{purpose}_{Guid.NewGuid():N}"[..40].ToLowerInvariant();
        await using (var dataSource = NpgsqlDataSource.Create(server))
        await using (var command = dataSource.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static async Task<string> ConnectionStringAsync(string name, Func<IContainer> create, Func<IContainer, string> connectionString)
    {
        if (Environment.GetEnvironmentVariable($"ConnectionStrings__{name}") is { Length: > 0 } configured) return configured;

        await Gate.WaitAsync();
        try
        {
            if (Started.TryGetValue(name, out var started)) return started;
            if (!File.Exists("/var/run/docker.sock"))
                throw new InvalidOperationException(
                    $"No {name} for tests: set ConnectionStrings__{name}, run the suite with scripts/test.sh, or start a Docker engine.");
            var container = create();
            await container.StartAsync();
            Containers.Add(container);
            return Started[name] = connectionString(container);
        }
        finally
        {
            Gate.Release();
        }
    }
}
