using Ministudio.Platform;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Tenants;

/// <summary>Seeds the configured tenants and their API keys at start-up, once the schema is in place.</summary>
public sealed class TenantSeeder(TenantDirectory tenants, IConfiguration configuration, ILogger<TenantSeeder> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var (tenant, key) in SeedKeys())
        {
            // Seeded keys follow the format the gateway checks, or they could never authenticate.
            if (!ApiKeys.IsWellFormed(key))
                throw new InvalidOperationException($"The seeded API key of tenant '{tenant}' is not a well-formed Ministudio key (ms_<type>_…, see ApiKeys).");
            await tenants.EnsureTenantWithKeyAsync(tenant, key, cancellationToken);
            logger.LogInformation("Seeded API key {Prefix}… for tenant {Tenant}", TenantDirectory.PrefixOf(key), tenant);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Seed:DevelopmentApiKey (the launcher's key) and Seed:Tenants:{name}:ApiKey entries.</summary>
    private IEnumerable<(string Tenant, string Key)> SeedKeys()
    {
        if (configuration["Seed:DevelopmentApiKey"] is { Length: > 0 } developmentKey)
            yield return ("development", developmentKey);
        foreach (var tenant in configuration.GetSection("Seed:Tenants").GetChildren())
        {
            if (tenant["ApiKey"] is { Length: > 0 } key) yield return (tenant.Key, key);
        }
    }
}
