namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// Settings every vendor adapter shares, bound from <c>Dispatch:Vendors:{name}</c>. Secrets (ApiKey, SecretKey) come
/// from configuration sources meant for secrets (environment, a secret store), never from appsettings.json.
/// </summary>
public class VendorOptions
{
    /// <summary>The vendor's API root; adapters default it to the public endpoint, tests point it at a fake.</summary>
    public Uri? BaseUrl { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>The vendor model to ask for when the request does not name one.</summary>
    public string? Model { get; set; }

    /// <summary>Kill switch: a disabled vendor is never called, and routing moves on to the next in its chain.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often to ask a vendor about a task it is working on.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a task may take at the vendor before we cancel it there and fail the shot as timed out.</summary>
    public TimeSpan TaskTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A vendor is usable when it is switched on and has the credentials it needs.</summary>
    public virtual bool IsConfigured => Enabled && !string.IsNullOrWhiteSpace(ApiKey);
}
