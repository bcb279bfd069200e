using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Audio;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>compose's film consumer on a started MassTransit test harness, over a test's artifact store.</summary>
internal static class ComposeRig
{
    /// <summary>
    /// With <paramref name="voiced"/> the service's audio stack (speech, mixing); without it no speech synthesizer is
    /// registered, so only silent timelines render.
    /// </summary>
    public static async Task<(ServiceProvider Services, ITestHarness Harness)> StartAsync(ArtifactStore artifacts, ComposeOptions options, bool voiced)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddSingleton(artifacts)
            .AddSingleton(options);
        // Voiced films speak for their tenant: its own keys from prompt (none stored here), its spend on the bus.
        if (voiced) services.AddSingleton(new PromptSecrets().Reader()).AddAudioServices();
        else services.AddSingleton<IAudioMixer, AudioMixer>();
        var provider = services
            .AddSingleton<TimelineRenderer>()
            .AddSingleton<FilmTimeline>()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<ComposeFilmConsumer>())
            .BuildServiceProvider(true);
        var harness = provider.GetTestHarness();
        await harness.Start();
        return (provider, harness);
    }
}
