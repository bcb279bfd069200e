using Microsoft.Extensions.Options;

namespace Ministudio.Compose.Audio;

public static class AudioExtensions
{
    /// <summary>Narration engines behind one ISpeechSynthesizer, and the IAudioMixer; settings from Compose:Audio.</summary>
    public static IHostApplicationBuilder AddAudio(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAudioServices(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// The registrations behind AddAudio. Needs ComposeOptions and the ArtifactStore (the speech cache) registered.
    /// Each vendor gets a named HttpClient whose base address comes from its options.
    /// </summary>
    public static IServiceCollection AddAudioServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<AudioOptions>(configuration.GetSection(AudioOptions.Section));
        services.AddHttpClient(OpenAiSpeechEngine.ClientName, (provider, client) =>
            client.BaseAddress = SpeechHttp.AsBase(provider.GetRequiredService<IOptions<AudioOptions>>().Value.OpenAI.BaseUrl));
        services.AddHttpClient(GoogleSpeechEngine.ClientName, (provider, client) =>
            client.BaseAddress = SpeechHttp.AsBase(provider.GetRequiredService<IOptions<AudioOptions>>().Value.Google.BaseUrl));
        services.AddHttpClient(ElevenLabsSpeechEngine.ClientName, (provider, client) =>
            client.BaseAddress = SpeechHttp.AsBase(provider.GetRequiredService<IOptions<AudioOptions>>().Value.ElevenLabs.BaseUrl));
        services.AddSingleton<ISpeechEngine, EspeakSpeechEngine>();
        services.AddSingleton<ISpeechEngine, OpenAiSpeechEngine>();
        services.AddSingleton<ISpeechEngine, GoogleSpeechEngine>();
        services.AddSingleton<ISpeechEngine, ElevenLabsSpeechEngine>();
        services.AddSingleton<ISpeechSynthesizer, SpeechRouter>();
        services.AddSingleton<IAudioMixer, AudioMixer>();
        return services;
    }
}
