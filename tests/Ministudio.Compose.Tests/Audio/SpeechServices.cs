using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Audio;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>The audio registrations as the service makes them, over a fresh artifact store and the given settings.</summary>
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
    public void Validate(string voice, double rate) => inner.Validate(voice, rate);

    public Task<EngineSpeech> SynthesizeAsync(string voice, string text, double rate, string folder, CancellationToken ct)
    {
        Interlocked.Increment(ref Calls);
        return inner.SynthesizeAsync(voice, text, rate, folder, ct);
    }
}
