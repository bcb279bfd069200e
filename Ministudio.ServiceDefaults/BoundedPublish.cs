using MassTransit;

namespace Ministudio.ServiceDefaults;

/// <summary>
/// Publishes that give up after <see cref="Timeout"/>. RabbitMQ's .NET client can wait for a publisher confirm forever
/// when the broker restarts under it (rabbitmq-dotnet-client #1928/#1930): measured here, a shot whose ShotRendered was
/// being published when RabbitMQ stopped held its lease, heart-beating, for good, and its film never finished. A
/// publish that times out throws <see cref="BrokerUnavailableException"/>, which <see cref="MessageRetry"/> handles
/// again in place; every consumer of these events is idempotent.
/// </summary>
public static class BoundedPublish
{
    /// <summary>A confirm takes milliseconds; a broker that is away is waited for this long (a restart takes about 10 s).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static Task PublishBoundedAsync<T>(this IPublishEndpoint endpoint, T message, CancellationToken ct = default) where T : class =>
        Bounded(endpoint.Publish(message, ct), typeof(T), ct);

    public static Task PublishBoundedAsync(this IPublishEndpoint endpoint, object message, Type messageType, CancellationToken ct = default) =>
        Bounded(endpoint.Publish(message, messageType, ct), messageType, ct);

    private static async Task Bounded(Task publish, Type messageType, CancellationToken ct)
    {
        try
        {
            await publish.WaitAsync(Timeout, ct);
        }
        catch (TimeoutException ex)
        {
            throw new BrokerUnavailableException($"Publishing {messageType.Name} was not confirmed within {Timeout.TotalSeconds:F0} s.", ex);
        }
    }
}

/// <summary>The message broker did not take a message in time; the work is tried again (<see cref="MessageRetry"/>).</summary>
public sealed class BrokerUnavailableException(string message, Exception inner) : Exception(message, inner);
