using Ministudio.Contracts;

namespace Ministudio.Dispatch.Routing;

/// <summary>What one vendor model can make and what a second of its output costs.</summary>
public sealed class ModelCapabilities
{
    /// <summary>The clip lengths the model makes; adapters snap a request up to the next one. Empty: any length up to the maximum.</summary>
    public List<double> Durations { get; set; } = [];

    public double MaxDurationSeconds { get; set; }

    /// <summary>Aspect ratios such as "16:9"; empty: any.</summary>
    public List<string> AspectRatios { get; set; } = [];

    /// <summary>The largest short side in pixels (720 for 1280×720); 0: any.</summary>
    public int MaxShortSide { get; set; }

    public int MaxFps { get; set; }

    public bool FirstFrame { get; set; }

    public int MaxReferenceImages { get; set; }

    public bool Audio { get; set; }

    /// <summary>The vendor's list price; absent when unknown, and then the model is never called (fail closed).</summary>
    public decimal? PricePerSecondUsd { get; set; }

    /// <summary>Why this model cannot make <paramref name="request"/>, or null when it can.</summary>
    public string? Refusal(ShotRequest request)
    {
        const double Slack = 0.01;
        var longest = Durations.Count > 0 ? Durations.Max() : MaxDurationSeconds;
        if (longest > 0 && request.DurationSeconds > longest + Slack) return $"clips of at most {longest} s";
        if (AspectRatios.Count > 0 && !AspectRatios.Contains(request.AspectRatio)) return $"aspect ratios {string.Join(", ", AspectRatios)} only";
        if (MaxShortSide > 0 && Math.Min(request.Width, request.Height) > MaxShortSide) return $"at most {MaxShortSide}p";
        if (MaxFps > 0 && request.Fps > MaxFps) return $"at most {MaxFps} fps";
        if (request.FirstFrameClip is not null && !FirstFrame) return "no first-frame (image-to-video) input";
        if ((request.ReferenceImages?.Count ?? 0) > MaxReferenceImages) return $"at most {MaxReferenceImages} reference images";
        return null;
    }

    /// <summary>The seconds the vendor bills for <paramref name="requestedSeconds"/>: the allowed length it snaps up to.</summary>
    public double BilledSeconds(double requestedSeconds) =>
        Durations.Where(d => d >= requestedSeconds - 0.01).DefaultIfEmpty(requestedSeconds).Min();
}

/// <summary>One vendor's models and the one used when configuration does not pick another.</summary>
public sealed class VendorCatalogue
{
    public string? DefaultModel { get; set; }

    public Dictionary<string, ModelCapabilities> Models { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// <c>Dispatch:Catalogue</c>: every vendor's models, their limits and prices (defaults ship in appsettings.json; a
/// deployment overrides any value by configuration). Routing checks a request against it before any vendor is called.
/// </summary>
public sealed class CapabilityCatalogue(IConfiguration configuration)
{
    private Dictionary<string, VendorCatalogue> Vendors =>
        configuration.GetSection("Dispatch:Catalogue").Get<Dictionary<string, VendorCatalogue>>() ?? [];

    /// <summary>The model a vendor will be asked for (<c>Dispatch:Vendors:{vendor}:Model</c>, else the catalogue's default) and its entry.</summary>
    public (string Model, ModelCapabilities? Capabilities) ModelOf(string vendor)
    {
        var entry = Vendors.GetValueOrDefault(vendor);
        var model = configuration[$"Dispatch:Vendors:{vendor}:Model"] ?? entry?.DefaultModel ?? vendor;
        return (model, entry?.Models.GetValueOrDefault(model));
    }

    /// <summary>The price of a model the vendor reported it used, when the catalogue knows it.</summary>
    public decimal? PriceOf(string vendor, string model) =>
        Vendors.GetValueOrDefault(vendor)?.Models.GetValueOrDefault(model)?.PricePerSecondUsd;
}
