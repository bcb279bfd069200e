namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>Where a vendor's asynchronous task stands, in our terms.</summary>
public abstract record TaskState
{
    /// <summary>Still working; Fraction is null when the vendor gives no progress.</summary>
    public sealed record Working(double? Fraction, string Stage) : TaskState;

    /// <summary>Done; Output says where the video is (a URL, a file id) in the vendor's terms.</summary>
    public sealed record Succeeded(string Output) : TaskState;

    public sealed record Failed(ProviderException Error) : TaskState;
}

/// <summary>
/// Polls a vendor task until it finishes, reporting progress, tolerating transient poll failures (the task keeps
/// running at the vendor whatever happens to one poll), and cancelling the task at the vendor when we give up.
/// </summary>
public static class VendorTask
{
    /// <summary>Consecutive failed polls tolerated before the shot fails; a poll is a read, so retrying it is safe.</summary>
    private const int MaxConsecutivePollFailures = 5;

    /// <summary>
    /// The vendor task of this shot: the one a previous owner created, when the shot was taken over after its owner
    /// went silent (the id is in the shot's lease), else a new one from <paramref name="create"/>, whose id is
    /// recorded in the lease before it is polled. Either way a crash costs no second create call.
    /// </summary>
    public static async Task<string> CreateOnceAsync(ShotJob shot, string vendor, Func<CancellationToken, Task<string>> create, CancellationToken ct)
    {
        if (shot.Lease?.VendorTaskOf(vendor) is { } resumed) return resumed;
        var id = await create(ct);
        // Not cancelable: once the vendor took the work, its id must be kept whatever happens to the caller.
        if (shot.Lease is { } lease) await lease.RecordVendorTaskAsync(vendor, id, CancellationToken.None);
        return id;
    }

    public static async Task<string> WaitAsync(
        string vendor,
        Func<CancellationToken, Task<TaskState>> poll,
        Func<CancellationToken, Task>? cancelAtVendor,
        VendorOptions options,
        IProgress<ProviderProgress> progress,
        TimeProvider time,
        CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(options.TaskTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var failures = 0;
        var lastFraction = 0.0;
        try
        {
            while (true)
            {
                TaskState state;
                try
                {
                    state = await poll(linked.Token);
                    failures = 0;
                }
                catch (ProviderException ex) when (ex.Retryable && ++failures < MaxConsecutivePollFailures)
                {
                    await Task.Delay(Max(ex.RetryAfter ?? TimeSpan.Zero, options.PollInterval), time, linked.Token);
                    continue;
                }
                catch (HttpRequestException) when (++failures < MaxConsecutivePollFailures)
                {
                    await Task.Delay(options.PollInterval, time, linked.Token);
                    continue;
                }

                switch (state)
                {
                    case TaskState.Succeeded done:
                        return done.Output;
                    case TaskState.Failed failed:
                        throw failed.Error;
                    case TaskState.Working working:
                        // Vendors without progress still move: creep towards 90% so a watcher sees life.
                        lastFraction = working.Fraction is { } fraction ? Math.Clamp(fraction, lastFraction, 0.95) : lastFraction + (0.9 - lastFraction) * 0.1;
                        progress.Report(new ProviderProgress(lastFraction, working.Stage));
                        break;
                }
                await Task.Delay(options.PollInterval, time, linked.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            await CancelQuietlyAsync(cancelAtVendor);
            throw new ProviderException(ProviderErrors.Timeout, $"{vendor} did not finish within {options.TaskTimeout}.", retryable: true);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelQuietlyAsync(cancelAtVendor);
            throw;
        }
    }

    /// <summary>Best effort: the job is over for us either way, and the vendor may bill less if told.</summary>
    public static async Task CancelQuietlyAsync(Func<CancellationToken, Task>? cancelAtVendor)
    {
        if (cancelAtVendor is null) return;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await cancelAtVendor(deadline.Token);
        }
        catch (Exception ex) when (ex is HttpRequestException or ProviderException or OperationCanceledException)
        {
            // Nothing more we can do; the vendor's own timeout ends the task.
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
