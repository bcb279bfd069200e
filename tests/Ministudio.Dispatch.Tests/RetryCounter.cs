using MassTransit;

namespace Ministudio.Dispatch.Tests;

/// <summary>Counts the attempts a retry policy made again after a failure (an observer on the endpoint's retry).</summary>
public sealed class RetryCounter : IRetryObserver
{
    private int _retries;

    public int Retries => Volatile.Read(ref _retries);

    public Task PreRetry<T>(RetryContext<T> context) where T : class, PipeContext
    {
        Interlocked.Increment(ref _retries);
        return Task.CompletedTask;
    }

    public Task PostCreate<T>(RetryPolicyContext<T> context) where T : class, PipeContext => Task.CompletedTask;

    public Task PostFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

    public Task RetryFault<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;

    public Task RetryComplete<T>(RetryContext<T> context) where T : class, PipeContext => Task.CompletedTask;
}
