using System.Diagnostics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.ServiceDefaults;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// Publishes that give up (<see cref="BoundedPublish"/>): a publish the broker never confirms ends, after the bound,
/// as <see cref="BrokerUnavailableException"/>, which <see cref="MessageRetry"/> handles again; anything else keeps its
/// own error. The hang is a publish observer that never lets the message go, on MassTransit's in-memory harness.
/// </summary>
public sealed class BoundedPublishTests : IAsyncLifetime
{
    private readonly HoldingObserver _observer = new();
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _services = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        _harness = _services.GetTestHarness();
        await _harness.Start();
        _harness.Bus.ConnectPublishObserver(_observer);
    }

    public async ValueTask DisposeAsync()
    {
        _observer.Release();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_confirmed_publish_goes_through()
    {
        var message = new Announced(Guid.NewGuid());
        await _harness.Bus.PublishBoundedAsync(message, TestContext.Current.CancellationToken);
        Assert.True(await _harness.Published.Any<Announced>(m => m.Context.Message == message, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_publish_never_confirmed_gives_up_after_the_bound_as_a_transient_broker_failure()
    {
        _observer.Hold = true;
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<BrokerUnavailableException>(() =>
            _harness.Bus.PublishBoundedAsync((object)new Announced(Guid.NewGuid()), typeof(Announced), TestContext.Current.CancellationToken));

        Assert.True(clock.Elapsed >= BoundedPublish.Timeout - TimeSpan.FromMilliseconds(50), $"gave up after {clock.Elapsed}");
        Assert.Contains(nameof(Announced), failure.Message);
        Assert.True(MessageRetry.IsTransient(failure));
    }

    [Fact]
    public async Task A_publish_that_fails_otherwise_keeps_its_own_error()
    {
        _observer.Failure = new InvalidOperationException("serializer broke");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => _harness.Bus.PublishBoundedAsync(new Announced(Guid.NewGuid()), TestContext.Current.CancellationToken));

        Assert.IsNotType<BrokerUnavailableException>(failure);
        Assert.False(MessageRetry.IsTransient(failure));
    }

    [Fact]
    public async Task A_caller_that_stops_waiting_is_canceled_not_told_the_broker_is_away()
    {
        _observer.Hold = true;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        stop.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _harness.Bus.PublishBoundedAsync(new Announced(Guid.NewGuid()), stop.Token));
    }

    public sealed record Announced(Guid Id);

    /// <summary>Holds every publish before it leaves (a broker that never confirms), or fails it, while told to.</summary>
    private sealed class HoldingObserver : IPublishObserver
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Hold { get; set; }

        public Exception? Failure { get; set; }

        public void Release() => _released.TrySetResult();

        public Task PrePublish<T>(PublishContext<T> context) where T : class =>
            Failure is not null ? Task.FromException(Failure) : Hold ? _released.Task : Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
