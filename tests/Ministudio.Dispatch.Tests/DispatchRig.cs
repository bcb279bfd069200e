using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform.Tenancy;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>Dispatch's configuration for tests: vendors in the catalogue, chains, fast resilience settings.</summary>
internal sealed class DispatchSettings
{
    private readonly Dictionary<string, string?> _values = [];

    public IReadOnlyDictionary<string, string?> Values => _values;

    /// <summary>A vendor with one model "{vendor}-1" making clips up to 10 s; no price: unpriced (fail closed).</summary>
    public DispatchSettings Vendor(string vendor, decimal? pricePerSecond, double maxSeconds = 10)
    {
        var model = $"Dispatch:Catalogue:{vendor}:Models:{vendor}-1";
        _values[$"Dispatch:Catalogue:{vendor}:DefaultModel"] = $"{vendor}-1";
        _values[$"{model}:MaxDurationSeconds"] = maxSeconds.ToString(CultureInfo.InvariantCulture);
        _values[$"{model}:FirstFrame"] = "true";
        if (pricePerSecond is { } price) _values[$"{model}:PricePerSecondUsd"] = price.ToString(CultureInfo.InvariantCulture);
        // Retries in milliseconds so a test of hundreds of shots stays short.
        _values[$"Dispatch:Vendors:{vendor}:Resilience:RetryDelay"] = "00:00:00.002";
        return this;
    }

    public DispatchSettings Chain(string name, params string[] vendors)
    {
        for (var i = 0; i < vendors.Length; i++) _values[$"Dispatch:Chains:{name}:{i}"] = vendors[i];
        return this;
    }

    public DispatchSettings Set(string key, string value)
    {
        _values[key] = value;
        return this;
    }

    public IConfiguration Build() => new ConfigurationBuilder().AddInMemoryCollection(_values).Build();
}

/// <summary>A fresh PostgreSQL database with dispatch's schema applied the way the service applies it.</summary>
internal static class LedgerDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync()
    {
        var dataSource = NpgsqlDataSource.Create(await TestInfrastructure.CreateDatabaseAsync("dispatch"));
        await new DatabaseInitializer(dataSource, NullLogger<DatabaseInitializer>.Instance).StartAsync(CancellationToken.None);
        return dataSource;
    }

    /// <summary>The per-vendor resilience settings as dispatch binds them, from this configuration.</summary>
    public static IOptionsMonitor<VendorResilienceOptions> ResilienceOf(IConfiguration configuration) =>
        new ServiceCollection().AddSingleton(configuration).AddVendorResilience().BuildServiceProvider()
            .GetRequiredService<IOptionsMonitor<VendorResilienceOptions>>();

    public static ShotRouter Router(NpgsqlDataSource dataSource, IConfiguration configuration, params IVideoProvider[] providers) =>
        Router(dataSource, configuration, new PromptSecrets().Reader(), providers);

    /// <summary>A router that reads tenants' own vendor keys through <paramref name="secrets"/>.</summary>
    public static ShotRouter Router(NpgsqlDataSource dataSource, IConfiguration configuration, TenantVendorSecrets secrets, params IVideoProvider[] providers) =>
        new(providers, new CapabilityCatalogue(configuration), new VendorPipelines(ResilienceOf(configuration), TimeProvider.System),
            new CostLedger(dataSource), secrets, configuration, NullLogger<ShotRouter>.Instance);
}
