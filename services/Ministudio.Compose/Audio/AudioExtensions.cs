using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Ministudio.Compose.MediaTools;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;

namespace Ministudio.Compose.Audio;

public static class AudioExtensions
{
    /// <summary>
    /// Narration engines behind one ISpeechSynthesizer, and the IAudioMixer; settings from Compose:Audio. Tenants' own
    /// vendor keys are read from prompt (shared with dispatch: <see cref="TenantVendorSecrets"/>); spend goes on the bus.
    /// </summary>
    public static IHostApplicationBuilder AddAudio(this IHostApplicationBuilder builder)
    {
        builder.AddTenantVendorSecrets();
        builder.Services.AddAudioServices();
        return builder;
    }

    /// <summary>
    /// The registrations behind AddAudio. Needs ComposeOptions, the ArtifactStore (the speech cache) and
    /// <see cref="TenantVendorSecrets"/> registered, and a bus unless an <see cref="ISpeechSpend"/> is. Each vendor gets a
    /// named HttpClient whose base address comes from its options.
    /// </summary>
    public static IServiceCollection AddAudioServices(this IServiceCollection services)
    {
        services.AddOptions<AudioOptions>().BindConfiguration(AudioOptions.Section).ValidateOnStart();
        services.TryAddSingleton<ISpeechSpend, BusSpeechSpend>();
        AddVendorClient(services, OpenAiSpeechEngine.ClientName, audio => audio.OpenAI.BaseUrl);
        AddVendorClient(services, GoogleSpeechEngine.ClientName, audio => audio.Google.BaseUrl);
        AddVendorClient(services, ElevenLabsSpeechEngine.ClientName, audio => audio.ElevenLabs.BaseUrl);
        services.AddSingleton<ISpeechEngine, EspeakSpeechEngine>();
        services.AddSingleton<ISpeechEngine, OpenAiSpeechEngine>();
        services.AddSingleton<ISpeechEngine, GoogleSpeechEngine>();
        services.AddSingleton<ISpeechEngine, ElevenLabsSpeechEngine>();
        services.AddSingleton<ISpeechSynthesizer, SpeechRouter>();
        services.AddSingleton<IAudioMixer, AudioMixer>();
        return services;
    }

    /// <summary>
    /// A named client for one vendor, without the service-wide resilience handler: its 10 s attempt timeout is shorter
    /// than a long narration takes, and its silent retries would hide a vendor's 429 and bill a 5xx twice. Failures
    /// surface as SpeechException (Retryable, RetryAfter) for the job to decide; one request may take RequestTimeoutSeconds.
    /// </summary>
    private static void AddVendorClient(IServiceCollection services, string name, Func<AudioOptions, Uri> baseUrl) =>
        services.AddHttpClient(name, (provider, client) =>
            {
                var audio = provider.GetRequiredService<IOptions<AudioOptions>>().Value;
                client.BaseAddress = SpeechHttp.AsBase(baseUrl(audio));
                client.Timeout = TimeSpan.FromSeconds(audio.RequestTimeoutSeconds);
            })
            .WithoutStandardResilience();
}
