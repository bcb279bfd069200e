using System.Text.Json;

namespace Ministudio.Cli;

/// <summary>
/// Where the gateway is and which key to use: <c>--url</c>/<c>--api-key</c>, else MINISTUDIO_URL/MINISTUDIO_API_KEY,
/// else what <c>ministudio login</c> saved in the user's config file.
/// </summary>
public sealed record CliSettings(Uri Url, string ApiKey)
{
    public const string UrlVariable = "MINISTUDIO_URL";
    public const string KeyVariable = "MINISTUDIO_API_KEY";
    public const string AdminKeyVariable = "MINISTUDIO_ADMIN_KEY";
    /// <summary>Overrides where the config file is (tests, several accounts).</summary>
    public const string ConfigVariable = "MINISTUDIO_CONFIG";

    /// <summary>The settings, or the one line that says what is missing.</summary>
    public static (CliSettings? Settings, string? Error) Resolve(string? url, string? key, Func<string, string?> environment)
    {
        var saved = Load(environment);
        url ??= environment(UrlVariable) ?? saved?.Url;
        key ??= environment(KeyVariable) ?? saved?.ApiKey;
        return Check(url, key, $"no API key: set {KeyVariable}, pass --api-key or run ministudio login");
    }

    /// <summary>The operator's settings: the same gateway, the admin key from --admin-key or MINISTUDIO_ADMIN_KEY (never saved).</summary>
    public static (CliSettings? Settings, string? Error) ResolveAdmin(string? url, string? adminKey, Func<string, string?> environment) =>
        Check(url ?? environment(UrlVariable) ?? Load(environment)?.Url, adminKey ?? environment(AdminKeyVariable),
            $"no admin key: set {AdminKeyVariable} or pass --admin-key");

    public static (CliSettings? Settings, string? Error) Check(string? url, string? key, string missingKey)
    {
        if (string.IsNullOrWhiteSpace(url)) return (null, $"no gateway URL: set {UrlVariable}, pass --url or run ministudio login");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return (null, $"'{url}' is not an http(s) URL");
        if (string.IsNullOrWhiteSpace(key)) return (null, missingKey);
        return (new CliSettings(uri, key.Trim()), null);
    }

    /// <summary>$MINISTUDIO_CONFIG, else $XDG_CONFIG_HOME/ministudio/config.json, else ~/.config/ministudio/config.json.</summary>
    public static string ConfigPath(Func<string, string?> environment) =>
        environment(ConfigVariable) is { Length: > 0 } explicitPath ? explicitPath
        : Path.Combine(environment("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "ministudio", "config.json");

    /// <summary>Saves the settings readable by the user alone (0600; its folder 0700), replacing the file whole.</summary>
    public void Save(Func<string, string?> environment)
    {
        var path = ConfigPath(environment);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
            else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temporary, options))
            JsonSerializer.Serialize(stream, new Saved(Url.ToString(), ApiKey), MinistudioCli.Json);
        File.Move(temporary, path, overwrite: true);
    }

    private static Saved? Load(Func<string, string?> environment)
    {
        var path = ConfigPath(environment);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Saved>(File.ReadAllText(path), MinistudioCli.Json);
        }
        catch (JsonException ex)
        {
            throw new CliUsageException($"{path}: not a ministudio config ({ex.Message.Split(" Path:")[0]}); run ministudio login again");
        }
    }

    private sealed record Saved(string? Url, string? ApiKey);
}
