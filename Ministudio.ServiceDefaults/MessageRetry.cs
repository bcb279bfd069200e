using MassTransit;
using Npgsql;

namespace Ministudio.ServiceDefaults;

/// <summary>
/// Every consumer's handling of a message is tried again in place when PostgreSQL was away (a restart, a fail-over,
/// connections refused while it recovers) or a publish was not confirmed (<see cref="BoundedPublish"/>): about a minute
/// of attempts, so an outage costs time, not the message.
/// Without it the message went to the endpoint's <c>_error</c> queue and its job waited for its deadline.
/// </summary>
public static class MessageRetry
{
    /// <summary>Attempts after the first; waits of 0.5 s growing by 1 s each, about 50 s in all.</summary>
    public const int Limit = 10;

    public static void Configure(IRetryConfigurator retry)
    {
        retry.Handle<Exception>(IsTransient);
        retry.Incremental(Limit, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1));
    }

    /// <summary>Whether the handling will be tried again: a transient failure, and attempts are left.</summary>
    public static bool WillRetry(ConsumeContext context, Exception failure) => IsTransient(failure) && context.GetRetryAttempt() < Limit;

    /// <summary>A transient PostgreSQL failure or an unconfirmed publish, directly or as the cause of another (a ledger error that wraps one).</summary>
    public static bool IsTransient(Exception failure)
    {
        for (var cause = failure; cause is not null; cause = cause.InnerException)
        {
            if (cause is NpgsqlException { IsTransient: true } or BrokerUnavailableException) return true;
        }
        return false;
    }
}
