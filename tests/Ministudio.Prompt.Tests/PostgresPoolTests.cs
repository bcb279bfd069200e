using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>The services' PostgreSQL pool: bounded by default, a deployment's own size kept, a bad size refused at start.</summary>
public sealed class PostgresPoolTests
{
    private const string Database = "Host=127.0.0.1;Port=5432;Database=ministudio;Username=ministudio";

    [Theory]
    [InlineData(Database, null, -1)]
    [InlineData(Database, "12", 12)]
    [InlineData(Database + ";Maximum Pool Size=40", "12", 40)]
    [InlineData(Database + ";MaxPoolSize=30", null, 30)]
    public void The_data_source_pool_is_the_settings_bound_unless_the_connection_string_names_one(string connectionString, string? maxSize, int expected)
    {
        using var host = Host(connectionString, maxSize);
        var pool = new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<NpgsqlDataSource>().ConnectionString).MaxPoolSize;
        // -1: the default, 4 per core and at least 8 — never Npgsql's 100.
        Assert.Equal(expected == -1 ? Math.Max(8, 4 * Environment.ProcessorCount) : expected, pool);
    }

    [Fact]
    public void A_negative_size_is_refused_with_the_keys_name()
    {
        using var host = Host(Database, "-3");
        var refused = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<NpgsqlDataSource>());
        Assert.Contains(PostgresPoolOptions.Section, refused.Message, StringComparison.Ordinal);
    }

    private static IHost Host(string connectionString, string? maxSize)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Postgres}"] = connectionString,
            [$"{PostgresPoolOptions.Section}:{nameof(PostgresPoolOptions.MaxSize)}"] = maxSize,
        });
        builder.AddPostgresDataSource();
        return builder.Build();
    }
}
