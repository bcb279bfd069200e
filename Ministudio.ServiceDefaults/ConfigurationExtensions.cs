using Microsoft.Extensions.Configuration;

namespace Ministudio.ServiceDefaults;

public static class ConfigurationExtensions
{
    /// <summary>Reads ConnectionStrings:{name}; a missing value stops start-up with the key's name.</summary>
    public static string GetRequiredConnectionString(this IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Missing required configuration 'ConnectionStrings:{name}' (environment: ConnectionStrings__{name}).");

    /// <summary>Reads a required setting; a missing value stops start-up with the key's name.</summary>
    public static string GetRequiredValue(this IConfiguration configuration, string key) =>
        configuration[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"Missing required configuration '{key}' (environment: {key.Replace(":", "__")}).");

    /// <summary>The first endpoint Aspire published for a resource: services:{name}:{endpoint}:0.</summary>
    public static Uri GetRequiredServiceEndpoint(this IConfiguration configuration, string name, string endpoint = "http") =>
        new(configuration.GetRequiredValue($"services:{name}:{endpoint}:0"));
}
