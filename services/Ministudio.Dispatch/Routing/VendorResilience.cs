using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Providers;
using Ministudio.Platform;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Ministudio.Dispatch.Routing;

/// <summary>
/// <c>Dispatch:Vendors:{vendor}:Resilience</c>. The contract with adapters: an adapter throws a retryable
/// <see cref="ProviderException"/> only when the vendor provably did not accept the work (429, a 5xx saying nothing
/// was created, a refused connection) and a non-retryable one whenever it is unsure, so a retry or a fallback here
/// never pays for the same shot twice.
/// </summary>
public sealed class VendorResilienceOptions
{
    /// <summary>The section of one vendor's settings; the options' name is the vendor.</summary>
    public static string SectionOf(string vendor) => $"Dispatch:Vendors:{vendor}:Resilience";

    public bool IsValid => MaxRetries >= 0 && RetryDelay >= TimeSpan.Zero && MaxRetryAfter >= TimeSpan.Zero && AttemptTimeout > TimeSpan.Zero
                           && FailureRatio is > 0 and <= 1 && MinimumThroughput >= 2 && SamplingDuration > TimeSpan.Zero && Cooldown > TimeSpan.Zero
                           && MaxConcurrency >= 1;

    public int MaxRetries { get; set; } = 2;

    /// <summary>First backoff delay (exponential with jitter) when the vendor gave no Retry-After.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A Retry-After longer than this is not waited for: routing moves on to the next vendor instead.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One attempt, polling included; longer than an adapter's own TaskTimeout so the adapter cancels at the vendor first.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(20);

    public double FailureRatio { get; set; } = 0.5;

    public int MinimumThroughput { get; set; } = 10;

    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the circuit stays open after repeated failures: the vendor's cooldown, during which routing skips it.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Shots this instance has at the vendor at once; more wait for a slot.</summary>
    public int MaxConcurrency { get; set; } = 8;
}

/// <summary>
/// Named options, one name per vendor, each bound from <see cref="VendorResilienceOptions.SectionOf"/>: the options
/// style of every other section, for a section whose name is only known when a vendor is first used.
/// </summary>
public static class VendorResilience
{
    public static IServiceCollection AddVendorResilience(this IServiceCollection services)
    {
        services.AddOptions<VendorResilienceOptions>();
        services.AddSingleton<IConfigureOptions<VendorResilienceOptions>, Binding>();
        services.AddSingleton<IValidateOptions<VendorResilienceOptions>>(new ValidateOptions<VendorResilienceOptions>(
            name: null, o => o.IsValid, "Dispatch:Vendors:{vendor}:Resilience has a negative or zero limit, or a FailureRatio outside (0, 1]."));
        return services;
    }

    private sealed class Binding(IConfiguration configuration) : IConfigureNamedOptions<VendorResilienceOptions>
    {
        public void Configure(string? name, VendorResilienceOptions options)
        {
            if (!string.IsNullOrEmpty(name)) configuration.GetSection(VendorResilienceOptions.SectionOf(name)).Bind(options);
        }

        public void Configure(VendorResilienceOptions options) => Configure(Options.DefaultName, options);
    }
}

/// <summary>Per vendor: retry (retryable failures only, honouring Retry-After), circuit breaker, attempt timeout, concurrency cap.</summary>
public sealed class VendorPipelines(IOptionsMonitor<VendorResilienceOptions> settings, TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, Lazy<Lane>> _lanes = new(StringComparer.Ordinal);

    /// <summary>True while the vendor's circuit is open (cooling down after repeated failures) or isolated.</summary>
    public bool IsCoolingDown(string vendor) => LaneOf(vendor).Circuit.CircuitState is CircuitState.Open or CircuitState.Isolated;

    /// <summary>
    /// Runs one vendor call under the vendor's pipeline. Throws <see cref="ProviderException"/> as the adapter did (after
    /// retries), <see cref="BrokenCircuitException"/> while cooling down, and a non-retryable
    /// <see cref="ProviderErrors"/>.Timeout when the attempt ran out of time (never retried: the vendor may have accepted it).
    /// </summary>
    public async Task<GeneratedClip> ExecuteAsync(string vendor, Func<CancellationToken, Task<GeneratedClip>> call, CancellationToken ct)
    {
        var lane = LaneOf(vendor);
        try
        {
            return await lane.Pipeline.ExecuteAsync(async token =>
            {
                await lane.Slots.WaitAsync(token);
                try
                {
                    return await call(token);
                }
                finally
                {
                    lane.Slots.Release();
                }
            }, ct);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ProviderException(Providers.Vendors.ProviderErrors.Timeout, $"{vendor} did not finish within {ex.Timeout}.", retryable: false, ex);
        }
    }

    private Lane LaneOf(string vendor) => _lanes.GetOrAdd(vendor, name => new Lazy<Lane>(() => Build(name))).Value;

    private Lane Build(string vendor)
    {
        var options = settings.Get(vendor);
        var circuit = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider, Name = $"vendor-{vendor}" }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderException { Retryable: true } failure
                    && (failure.RetryAfter is null || failure.RetryAfter <= options.MaxRetryAfter)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ProviderException { RetryAfter: { } after } ? after : (TimeSpan?)null),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // A clip the artifact store could not take says nothing about the vendor (R5: S3 down): it does not count
                // towards the vendor's cooling down, which would fail every film for the cool-down after the store is back.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProviderException { Retryable: true, Code: not ArtifactStoreUnavailableException.Code } or TimeoutRejectedException),
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.Cooldown,
                StateProvider = circuit,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
        return new Lane(pipeline, circuit, new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency));
    }

    private sealed record Lane(ResiliencePipeline Pipeline, CircuitBreakerStateProvider Circuit, SemaphoreSlim Slots);
}
