namespace Ministudio.Dispatch.Providers.Vendors.Veo;

/// <summary>
/// Veo on Vertex AI (<c>Dispatch:Vendors:veo</c>). Credentials are a Google service-account key (the JSON file Google
/// issues), given inline in ServiceAccountJson or as a path in ServiceAccountFile; ApiKey is not used.
/// </summary>
public sealed class VeoOptions : VendorOptions
{
    /// <summary>The Google Cloud project; defaults to the service account's project_id.</summary>
    public string? ProjectId { get; set; }

    public string Location { get; set; } = "us-central1";

    public string? ServiceAccountJson { get; set; }

    public string? ServiceAccountFile { get; set; }

    /// <summary>gs://bucket/prefix to have Veo write videos there instead of returning them inline.</summary>
    public string? StorageUri { get; set; }

    /// <summary>Where gs:// objects are read from (the Cloud Storage JSON API); tests point it at a fake.</summary>
    public Uri StorageBaseUrl { get; set; } = new("https://storage.googleapis.com/");

    /// <summary>Veo 3 can add sound; our films mix narration and music in compose, so it is off unless asked for.</summary>
    public bool GenerateAudio { get; set; }

    public override bool IsConfigured =>
        Enabled && (!string.IsNullOrWhiteSpace(ServiceAccountJson) || !string.IsNullOrWhiteSpace(ServiceAccountFile));
}
