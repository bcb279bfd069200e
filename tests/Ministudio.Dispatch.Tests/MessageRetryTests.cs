using System.Net.Sockets;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Routing;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// The bus-wide retry every service's consumers run under (<see cref="MessageRetry"/>): what it handles again in place
/// (PostgreSQL away, an unconfirmed publish, either as the cause of another error) and what goes to the fault path at once.
/// </summary>
public sealed class MessageRetryTests
{
    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "connection refused", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), true },
        { "server starting up (57P03)", new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow), true },
        { "server shutting down (57P01)", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), true },
        { "unconfirmed publish", new BrokerUnavailableException("not confirmed", new TimeoutException()), true },
        { "ledger error wrapping a refused connection", new ProviderException(RoutingErrors.LedgerUnavailable, "ledger away", retryable: true, new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))), true },
        { "unique violation (23505)", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), false },
        { "a bug", new InvalidOperationException("sequence contains no elements"), false },
        { "a vendor's retryable failure", new ProviderException("render.unavailable", "busy", retryable: true), false },
    };

    [Theory]
    [MemberData(nameof(Failures), DisableDiscoveryEnumeration = true)]
    public void Only_an_outage_of_postgresql_or_the_broker_is_transient(string failure, Exception exception, bool transient) =>
        Assert.True(MessageRetry.IsTransient(exception) == transient, $"{failure}: expected transient = {transient}");

    [Fact]
    public async Task A_consumer_that_meets_postgresql_away_is_handled_again_until_it_succeeds()
    {
        var consumer = new FailingConsumer(calls => calls <= 2 ? new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) : null);
        await using var bus = await StartAsync(consumer);
        var harness = bus.GetTestHarness();

        await harness.Bus.Publish(new Ping(Guid.NewGuid()), TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => consumer.Calls == 3);
        await Eventually.TrueAsync(() => harness.Consumed.Select<Ping>().Any(m => m.Exception is null));
        Assert.Equal(2, consumer.Retries.Retries);
        Assert.False(await harness.Published.Any<Fault<Ping>>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_consumer_that_fails_otherwise_faults_after_one_attempt()
    {
        var consumer = new FailingConsumer(_ => new InvalidOperationException("a bug"));
        await using var bus = await StartAsync(consumer);
        var harness = bus.GetTestHarness();

        await harness.Bus.Publish(new Ping(Guid.NewGuid()), TestContext.Current.CancellationToken);

        Assert.True(await harness.Published.Any<Fault<Ping>>(TestContext.Current.CancellationToken));
        Assert.Equal(1, consumer.Calls);
        Assert.Equal(0, consumer.Retries.Retries);
    }

    /// <summary>The harness's in-memory bus with the services' retry (<see cref="MessageRetry.Configure"/>, its real waits).</summary>
    private static async Task<ServiceProvider> StartAsync(FailingConsumer consumer)
    {
        var services = new ServiceCollection()
            .AddSingleton(consumer)
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<PingConsumer>();
                bus.UsingInMemory((context, memory) =>
                {
                    memory.UseMessageRetry(retry =>
                    {
                        MessageRetry.Configure(retry);
                        retry.ConnectRetryObserver(consumer.Retries);
                    });
                    memory.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        await services.GetTestHarness().Start();
        return services;
    }

    public sealed record Ping(Guid Id);

    /// <summary>What each call of the consumer throws (by call number, from 1), or null to succeed.</summary>
    public sealed class FailingConsumer(Func<int, Exception?> failureOnCall)
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public RetryCounter Retries { get; } = new();

        public void Call()
        {
            if (failureOnCall(Interlocked.Increment(ref _calls)) is { } failure) throw failure;
        }
    }

    public sealed class PingConsumer(FailingConsumer behaviour) : IConsumer<Ping>
    {
        public Task Consume(ConsumeContext<Ping> context)
        {
            behaviour.Call();
            return Task.CompletedTask;
        }
    }
}
