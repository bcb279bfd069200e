using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ministudio.Contracts;
using Ministudio.Contracts.Vendors;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
using Ministudio.ServiceDefaults;
using Npgsql;
using Polly.CircuitBreaker;

namespace Ministudio.Dispatch.Routing;

/// <summary>A clip and the vendor and model that actually made it.</summary>
public sealed record RoutedClip(GeneratedClip Clip, string Vendor, string Model);

/// <summary>A shot's estimated cost on the vendor that would be asked first; without a vendor, the code and reason why none may.</summary>
public sealed record ShotEstimate(int Index, string? Vendor, string? Model, double? BilledSeconds, decimal? Usd, string? Code, string? Reason)
{
    public static ShotEstimate None(int index, string code, string reason) => new(index, null, null, null, null, code, reason);
}

/// <summary>Codes of shots routing could not place; with <see cref="ProviderErrors"/> they are what ShotFailed reports.</summary>
public static class RoutingErrors
{
    public const string UnknownProvider = "provider.unknown";
    public const string Disabled = "provider.disabled";
    public const string NotAllowed = "provider.not_allowed";
    public const string Unsupported = "provider.unsupported";
    public const string CircuitOpen = "provider.circuit_open";
    public const string PricingUnknown = "pricing.unknown";
    public const string BudgetExceeded = "budget.exceeded";
    public const string LedgerUnavailable = "ledger.unavailable";
    public const string ByokKeyRejected = "byok.key_rejected";
}

/// <summary>
/// Places a shot on a vendor. A request's provider names one vendor or a chain (the vendor catalogue's, or a
/// deployment's <c>Dispatch:Chains:{name}</c>, e.g. premium → veo, runway, luma); vendors are tried in order. A vendor
/// is skipped when its model is retired, it is switched off (<c>Dispatch:Vendors:{name}:Enabled=false</c>), not allowed
/// by the tenant's plan, unable to make the request (capability catalogue), unpriced (fail closed), cooling down (open
/// circuit) or over budget; it is left for the next after retryable failures outlast its retries, when it lacks
/// credentials (not_configured), or when it refuses our account (unauthorized, out of quota). Content refusals, invalid
/// requests and anything the vendor may have accepted end the shot: another vendor would not do better, or we might
/// pay twice. A vendor the tenant holds its own key for (BYOK) is paid with that key, outside the platform budget; when
/// the vendor refuses that key the shot fails with <c>byok.key_rejected</c>, unless the plan lets it fall back to the
/// platform's key.
/// </summary>
public sealed class ShotRouter(
    IEnumerable<IVideoProvider> providers,
    CapabilityCatalogue catalogue,
    VendorPipelines pipelines,
    CostLedger ledger,
    TenantVendorSecrets tenantSecrets,
    IConfiguration configuration,
    ILogger<ShotRouter> logger)
{
    private static readonly Counter<double> Cost = MinistudioTelemetry.Meter.CreateCounter<double>("ministudio.provider.cost", "USD", "What vendors charged for shots.");
    private static readonly Counter<long> RetiredSkips = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.routing.retired_skips", "{shot}", "Shots routed around a retired vendor model.");
    private static readonly Histogram<double> Duration = MinistudioTelemetry.Meter.CreateHistogram<double>("ministudio.provider.duration", "s", "Time a vendor took for one shot, retries included.");

    private readonly Dictionary<string, IVideoProvider> _providers = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);

    /// <summary>The vendors a requested provider stands for, in order; empty when it names neither a vendor nor a chain.</summary>
    public IReadOnlyList<string> VendorsOf(string requested) =>
        catalogue.Chain(requested) is { Count: > 0 } chain ? chain
        : _providers.ContainsKey(requested) || catalogue.Vendors.ContainsKey(requested) ? [requested]
        : [];

    /// <summary>Produces the shot on the first vendor that can; throws <see cref="ProviderException"/> with the last reason when none could.</summary>
    public async Task<RoutedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var requested = shot.Request.Provider;
        var vendors = VendorsOf(requested);
        if (vendors.Count == 0)
            throw new ProviderException(RoutingErrors.UnknownProvider, $"No provider or chain named '{requested}' is configured.", retryable: false);

        var plan = await PlanOfAsync(shot, ct);
        var ownKeys = await OwnKeysAsync(shot, ct);
        ProviderException? last = null;
        foreach (var vendor in vendors)
        {
            var refusal = await TryVendorWithKeyAsync(vendor, shot, ownKeys.GetValueOrDefault(vendor), plan, progress, ct);
            if (refusal.Clip is { } clip) return clip;
            last = refusal.Failure!;
            if (!refusal.Skipped && !PassesOn(last)) throw last;
            logger.LogInformation("Shot {ShotIndex} of job {JobId}: {Vendor} passed over ({Code}: {Reason})", shot.ShotIndex, shot.JobId, vendor, last.Code, last.Message);
        }
        throw last!;
    }

    /// <summary>Failures after which the next vendor may try: the vendor provably did not take the work, or refused our account.</summary>
    private static bool PassesOn(ProviderException failure) =>
        failure.Code != ProviderErrors.ContentRejected
        && (failure.Retryable || failure.Code is ProviderErrors.Unauthorized or ProviderErrors.QuotaExceeded or ProviderErrors.NotConfigured or ProviderErrors.Retired);

    private async Task<IReadOnlyDictionary<string, TenantSecret>> OwnKeysAsync(ShotJob shot, CancellationToken ct)
    {
        try
        {
            return await tenantSecrets.OfAsync(shot.TenantId, ct);
        }
        catch (TenantSecretsUnavailableException ex)
        {
            throw new ProviderException(TenantVendorSecrets.ErrorCode, "The tenant's own vendor keys could not be read just now; the shot is tried again.", retryable: true, ex);
        }
    }

    private async Task<TenantPlan?> PlanOfAsync(ShotJob shot, CancellationToken ct)
    {
        try
        {
            return await ledger.PlanOfAsync(shot.TenantId, ct);
        }
        catch (NpgsqlException ex)
        {
            throw new ProviderException(RoutingErrors.LedgerUnavailable, "The cost ledger is unreachable; no money is spent without it.", retryable: true, ex);
        }
    }

    private readonly record struct Attempt(RoutedClip? Clip, ProviderException? Failure, bool Skipped)
    {
        public static Attempt Skip(string code, string message) => new(null, new ProviderException(code, message, retryable: false), true);
    }

    /// <summary>A vendor that configuration, the tenant's plan and the catalogue let make a shot, at its list price.</summary>
    private sealed record Offer(IVideoProvider Provider, string Model, VendorModel Capabilities, decimal PricePerSecondUsd);

    /// <summary>Offers the shot to a vendor, or says why it may not have it; the same rules for routing and for estimates.</summary>
    private (Offer? Offer, Attempt Skip) OfferTo(string vendor, ShotRequest request, TenantPlan? plan)
    {
        var (model, capabilities) = catalogue.ModelOf(vendor, request);
        if (capabilities?.StateOn(catalogue.Today) == ModelState.Retired)
            return (null, Attempt.Skip(ProviderErrors.Retired,
                $"{vendor} {model} was retired on {capabilities.RetiresOn:yyyy-MM-dd}{(capabilities.Replacement is { } replacement ? $"; ask for '{replacement}' instead" : "")}."));
        if (!_providers.TryGetValue(vendor, out var provider)) return (null, Attempt.Skip(RoutingErrors.UnknownProvider, $"'{vendor}' is not configured."));
        if (configuration.GetValue($"Dispatch:Vendors:{vendor}:Enabled", true) is false) return (null, Attempt.Skip(RoutingErrors.Disabled, $"{vendor} is switched off."));
        if (plan is not null && !plan.Allows(vendor, request.Provider)) return (null, Attempt.Skip(RoutingErrors.NotAllowed, $"The {plan.Plan} plan does not include {vendor}."));
        if (capabilities is null) return (null, Attempt.Skip(RoutingErrors.Unsupported, $"{vendor} model {model} is not in the capability catalogue."));
        if (capabilities.Refusal(request) is { } missing) return (null, Attempt.Skip(RoutingErrors.Unsupported, $"{vendor} {model} makes {missing}."));
        if (capabilities.PricePerSecondUsd is not { } price) return (null, Attempt.Skip(RoutingErrors.PricingUnknown, $"No price is known for {vendor} {model}; it is not used until one is configured."));
        return (new Offer(provider, model, capabilities, price), default);
    }

    /// <summary>
    /// What a shot would cost on the first vendor that may make it, from the catalogue's list price and the length the
    /// vendor bills; open circuits and the remaining budget change by the minute and are left to the render itself.
    /// </summary>
    public ShotEstimate Estimate(int index, ShotRequest request, TenantPlan? plan)
    {
        var vendors = VendorsOf(request.Provider);
        if (vendors.Count == 0) return ShotEstimate.None(index, RoutingErrors.UnknownProvider, $"No provider or chain named '{request.Provider}' is configured.");
        Attempt last = default;
        foreach (var vendor in vendors)
        {
            var (offer, skip) = OfferTo(vendor, request, plan);
            if (offer is null)
            {
                last = skip;
                continue;
            }
            var billed = CapabilityCatalogue.BilledSeconds(offer.Capabilities, request, request.DurationSeconds);
            return new ShotEstimate(index, vendor, offer.Model, billed, offer.PricePerSecondUsd * (decimal)billed, null, null);
        }
        return ShotEstimate.None(index, last.Failure!.Code, last.Failure.Message);
    }

    /// <summary>Tries the vendor with the tenant's own key when it has one; a refused key ends the shot unless the plan allows the platform's.</summary>
    private async Task<Attempt> TryVendorWithKeyAsync(
        string vendor, ShotJob shot, TenantSecret? ownKey, TenantPlan? plan, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        if (ownKey is null) return await TryVendorAsync(vendor, shot, plan, progress, ct);
        var attempt = await TryVendorAsync(vendor, shot with { TenantSecret = ownKey }, plan, progress, ct);
        if (attempt.Failure?.Code != ProviderErrors.Unauthorized) return attempt;
        if (plan?.PlatformKeyFallback == true)
        {
            logger.LogWarning("{Vendor} refused tenant {TenantId}'s own key; the {Plan} plan falls back to the platform's", vendor, shot.TenantId, plan.Plan);
            return await TryVendorAsync(vendor, shot, plan, progress, ct);
        }
        return new Attempt(null, new ProviderException(RoutingErrors.ByokKeyRejected,
            $"{vendor} refused the tenant's own key ({attempt.Failure.Message}); replace it, or remove it to use the platform's.", retryable: false), false);
    }

    private async Task<Attempt> TryVendorAsync(string vendor, ShotJob shot, TenantPlan? plan, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var request = shot.Request;
        var (offer, skip) = OfferTo(vendor, request, plan);
        if (offer is null)
        {
            if (skip.Failure!.Code == ProviderErrors.Retired) RetiredSkips.Add(1, new TagList { { "vendor", vendor } });
            return skip;
        }
        var (provider, model, capabilities, price) = (offer.Provider, offer.Model, offer.Capabilities, offer.PricePerSecondUsd);
        if (pipelines.IsCoolingDown(vendor)) return Attempt.Skip(RoutingErrors.CircuitOpen, $"{vendor} is cooling down after repeated failures.");

        var estimate = price * (decimal)CapabilityCatalogue.BilledSeconds(capabilities, request, request.DurationSeconds);
        Guid reservation;
        try
        {
            // A take-over resumes the silent owner's attempt on its reservation: one attempt, one ledger row, one commit.
            if (shot.Lease?.ReservationOf(vendor) is { } resumed) reservation = resumed;
            else
            {
                reservation = await ledger.ReserveAsync(shot, vendor, model, estimate, ct);
                if (shot.Lease is { } lease) await lease.BeginAttemptAsync(vendor, reservation, ct);
            }
        }
        catch (BudgetExceededException ex)
        {
            return Attempt.Skip(RoutingErrors.BudgetExceeded, ex.Message);
        }
        catch (NpgsqlException ex)
        {
            throw new ProviderException(RoutingErrors.LedgerUnavailable, "The cost ledger is unreachable; no money is spent without it.", retryable: true, ex);
        }

        var started = Stopwatch.GetTimestamp();
        GeneratedClip clip;
        try
        {
            clip = await pipelines.ExecuteAsync(vendor, token => provider.GenerateAsync(shot, progress, token), ct);
        }
        catch (Exception ex)
        {
            await ledger.ReleaseAsync(reservation);
            if (shot.Lease is { } lease) await lease.EndAttemptAsync(CancellationToken.None);
            if (ex is ProviderException failure) return new Attempt(null, failure, false);
            // The vendor made the clip but the store could not take it: nothing is recorded, the job may be retried.
            if (ex is ArtifactStoreUnavailableException store)
                return new Attempt(null, new ProviderException(ArtifactStoreUnavailableException.Code, store.Message, retryable: true, ex), false);
            if (ex is BrokenCircuitException)
                return new Attempt(null, new ProviderException(RoutingErrors.CircuitOpen, $"{vendor} is cooling down after repeated failures.", retryable: true, ex), false);
            throw;
        }

        var usedModel = clip.Model ?? model;
        var actual = (catalogue.PriceOf(vendor, usedModel) ?? price) * (decimal)CapabilityCatalogue.BilledSeconds(capabilities, request, clip.DurationSeconds);
        try
        {
            await ledger.CommitAsync(reservation, usedModel, actual);
        }
        catch (NpgsqlException ex)
        {
            // The clip exists and was paid for: keep it. The reservation stays at its estimate, still counted.
            logger.LogError(ex, "Could not commit the cost of shot {ShotIndex} of job {JobId} on {Vendor}", shot.ShotIndex, shot.JobId, vendor);
        }
        // Bounded labels only: a plan name, never a tenant id.
        TagList tags = new() { { "vendor", vendor }, { "model", usedModel }, { "plan", plan?.Plan ?? "none" }, { "byok", shot.TenantSecret is not null } };
        Cost.Add((double)actual, tags);
        Duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
        Activity.Current?.SetTag("ministudio.vendor", vendor).SetTag("ministudio.model", usedModel)
            .SetTag("ministudio.cost_estimate_usd", (double)estimate).SetTag("ministudio.cost_usd", (double)actual);
        return new Attempt(new RoutedClip(clip, vendor, usedModel), null, false);
    }
}
