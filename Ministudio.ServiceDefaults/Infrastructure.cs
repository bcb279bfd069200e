using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Ministudio.ServiceDefaults;

/// <summary>Clients for the infrastructure resources, each read only by its resource name.</summary>
public static class Infrastructure
{
    /// <summary>MassTransit on RabbitMQ from ConnectionStrings:rabbitmq; its health check joins /health.</summary>
    public static IHostApplicationBuilder AddRabbitMqBus(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> configure)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.RabbitMq);
        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            // MassTransit otherwise reports usage to its vendor: no service calls out unless a user configured it.
            bus.DisableUsageTelemetry();
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(new Uri(connectionString));
                rabbit.UseMessageRetry(MessageRetry.Configure);
                rabbit.ConfigureEndpoints(context);
            });
        });
        builder.Services.Configure<MassTransitHostOptions>(options => options.WaitUntilStarted = true);
        return builder;
    }

    /// <summary>A shared Redis connection from ConnectionStrings:redis that reconnects on its own, and the circuit callers that fail open use.</summary>
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder)
    {
        var options = ConfigurationOptions.Parse(builder.Configuration.GetRequiredConnectionString(ResourceNames.Redis));
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2000;
        options.SyncTimeout = 2000;
        options.AsyncTimeout = 2000;
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddOptions<RedisCircuitOptions>().BindConfiguration(RedisCircuitOptions.Section)
            .Validate(o => o.IsValid, $"{RedisCircuitOptions.Section}: FailuresToOpen is at least 2, SamplingDuration and BreakDuration at least 500 ms.")
            .ValidateOnStart();
        builder.Services.AddSingleton<RedisCircuit>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(ResourceNames.Redis);
        return builder;
    }

    /// <summary>An Npgsql data source from ConnectionStrings:postgres, its pool bounded by Postgres:Pool unless the connection string names a size.</summary>
    public static IHostApplicationBuilder AddPostgresDataSource(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetRequiredConnectionString(ResourceNames.Postgres);
        builder.Services.AddOptions<PostgresPoolOptions>().BindConfiguration(PostgresPoolOptions.Section)
            .Validate(pool => pool.MaxSize >= 0, $"{PostgresPoolOptions.Section}:MaxSize is 0 (4 per core) or a positive count.")
            .ValidateOnStart();
        builder.Services.AddSingleton(services =>
            NpgsqlDataSource.Create(services.GetRequiredService<IOptions<PostgresPoolOptions>>().Value.Bound(connectionString)));
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>(ResourceNames.Postgres);
        return builder;
    }

    private sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await redis.GetDatabase().PingAsync();
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("redis is unreachable", ex);
            }
        }
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (NpgsqlException ex)
            {
                return HealthCheckResult.Unhealthy("postgres is unreachable", ex);
            }
        }
    }
}
