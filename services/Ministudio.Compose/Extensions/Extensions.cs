using MassTransit;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.Rendering;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddArtifactStore();
        builder.AddRabbitMqBus(bus => bus.AddConsumer<ComposeFilmConsumer, ComposeFilmConsumerDefinition>());
        builder.Services.AddSingleton(ComposeOptions.From(builder.Configuration));
        // ISpeechSynthesizer and IAudioMixer are optional: without them a timeline renders when it has no audio.
        builder.Services.AddSingleton<TimelineRenderer>();
        return builder;
    }
}
