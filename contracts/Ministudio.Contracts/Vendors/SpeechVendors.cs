namespace Ministudio.Contracts.Vendors;

/// <summary>What one speech model costs, with where the price came from.</summary>
public sealed class SpeechModel
{
    /// <summary>List price per million characters of text sent.</summary>
    public decimal PricePerMillionCharactersUsd { get; set; }

    /// <summary>List price per minute of audio made (vendors that bill audio, such as OpenAI's gpt-4o-mini-tts).</summary>
    public decimal PricePerMinuteUsd { get; set; }

    public string? PriceSource { get; set; }

    public DateOnly? PriceCheckedOn { get; set; }

    /// <summary>What <paramref name="characters"/> characters spoken as <paramref name="seconds"/> of audio cost at list price.</summary>
    public decimal CostOf(int characters, double seconds) =>
        Math.Round(characters * PricePerMillionCharactersUsd / 1_000_000m + (decimal)seconds / 60m * PricePerMinuteUsd, 6);
}

/// <summary>
/// One text-to-speech vendor (the engine of an <c>engine:voice</c>): how it is reached, its documentation and what its
/// models cost. Google prices by voice family (Standard, Wavenet, Neural2, …), the others by model.
/// </summary>
public sealed class SpeechVendorEntry
{
    public string? Api { get; set; }

    public string? Docs { get; set; }

    public DateOnly? CheckedOn { get; set; }

    public Dictionary<string, SpeechModel> Models { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The model's price; a model the catalogue does not list is charged as the vendor's dearest listed one (compared on
    /// a minute of speech, about 900 characters), so spend is never under-counted. Null only for a vendor with no models.
    /// </summary>
    public (string Model, SpeechModel Price)? PriceOf(string model)
    {
        if (Models.TryGetValue(model, out var listed)) return (model, listed);
        if (Models.Count == 0) return null;
        var dearest = Models.MaxBy(m => m.Value.CostOf(900, 60));
        return (dearest.Key, dearest.Value);
    }
}
