using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>
/// The audio registrations as the service makes them, over a fresh artifact store and the given settings; tenants' own
/// keys come from <see cref="Prompt"/> (prompt's internal route as compose calls it) and spend is kept in <see cref="Spend"/>.
/// </summary>
public sealed class SpeechServices : IDisposable
{
    private readonly ServiceProvider _provider;

    public SpeechServices(IReadOnlyDictionary<string, string?>? settings = null, Func<ISpeechEngine, ISpeechEngine>? wrap = null)
    {
        StoreRoot = Directory.CreateTempSubdirectory("ministudio-speech-store").FullName;
        Folder = Directory.CreateTempSubdirectory("ministudio-speech-job").FullName;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(new ArtifactStore(StoreRoot))
            .AddSingleton(new ComposeOptions(TimeSpan.FromMinutes(2), 2))
            .AddSingleton(Prompt.Reader())
            .AddSingleton<ISpeechSpend>(Spend)
            .AddAudioServices();
        if (wrap is not null)
        {
            // Decorate every engine (to count calls) while keeping the registrations the service uses.
            var engines = services.Where(d => d.ServiceType == typeof(ISpeechEngine)).ToList();
            foreach (var engine in engines)
            {
                services.Remove(engine);
                services.AddSingleton<ISpeechEngine>(provider => wrap((ISpeechEngine)ActivatorUtilities.CreateInstance(provider, engine.ImplementationType!)));
            }
        }
        _provider = services.BuildServiceProvider(validateScopes: true);
    }

    public string StoreRoot { get; }

    /// <summary>Tenants' own vendor keys, as prompt hands them out.</summary>
    public PromptSecrets Prompt { get; } = new();

    /// <summary>Every synthesis announced to the cost ledger.</summary>
    public RecordedSpend Spend { get; } = new();

    /// <summary>The job folder clips are written to.</summary>
    public string Folder { get; }

    public IServiceProvider Provider => _provider;

    public ISpeechSynthesizer Synthesizer => _provider.GetRequiredService<ISpeechSynthesizer>();

    public void Dispose()
    {
        _provider.Dispose();
        Directory.Delete(StoreRoot, recursive: true);
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>Counts how often the real engine behind it is asked to synthesize.</summary>
internal sealed class CountingEngine(ISpeechEngine inner) : ISpeechEngine
{
    public int Calls;

    public string Name => inner.Name;
    public string CacheIdentity => inner.CacheIdentity;
    public bool NeedsKey => inner.NeedsKey;
    public bool HasPlatformKey => inner.HasPlatformKey;
    public string PricedModel(string voice) => inner.PricedModel(voice);
    public void Validate(string voice, double rate) => inner.Validate(voice, rate);

    public Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, TenantSecret? tenantKey, string folder, CancellationToken ct)
    {
        Interlocked.Increment(ref Calls);
        return inner.SynthesizeAsync(voice, text, rate, tenantKey, folder, ct);
    }
}

/// <summary>The cost ledger as compose sees it: what was announced, in order.</summary>
public sealed class RecordedSpend : ISpeechSpend
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<SpeechSynthesized> _announced = new();

    public IReadOnlyList<SpeechSynthesized> Announced => [.. _announced];

    public Task RecordAsync(SpeechSynthesized spend, CancellationToken ct)
    {
        _announced.Enqueue(spend);
        return Task.CompletedTask;
    }
}
