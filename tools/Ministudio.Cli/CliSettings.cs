namespace Ministudio.Cli;

/// <summary>Where the gateway is and which key to use: <c>--url</c>/<c>--api-key</c>, else MINISTUDIO_URL/MINISTUDIO_API_KEY.</summary>
public sealed record CliSettings(Uri Url, string ApiKey)
{
    public const string UrlVariable = "MINISTUDIO_URL";
    public const string KeyVariable = "MINISTUDIO_API_KEY";

    /// <summary>The settings, or the one line that says what is missing.</summary>
    public static (CliSettings? Settings, string? Error) Resolve(string? url, string? key, Func<string, string?> environment)
    {
        url ??= environment(UrlVariable);
        key ??= environment(KeyVariable);
        if (string.IsNullOrWhiteSpace(url)) return (null, $"no gateway URL: set {UrlVariable} or pass --url");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return (null, $"'{url}' is not an http(s) URL");
        if (string.IsNullOrWhiteSpace(key)) return (null, $"no API key: set {KeyVariable} or pass --api-key");
        return (new CliSettings(uri, key.Trim()), null);
    }
}
