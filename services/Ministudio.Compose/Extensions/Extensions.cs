using MassTransit;
using Ministudio.Compose.Audio;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Compose.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        builder.AddServiceTrust(ResourceNames.Compose);
        builder.AddArtifactStore();
        builder.AddRabbitMqBus(bus =>
        {
            bus.AddConsumer<ComposeFilmConsumer, ComposeFilmConsumerDefinition>();
            bus.AddConsumer<MeasureSpeechConsumer>();
        });
        builder.Services.AddSingleton(ComposeOptions.From(builder.Configuration));
        builder.Services.AddSingleton<TimelineRenderer>();
        builder.Services.AddSingleton<FilmTimeline>();
        builder.AddAudio();
        return builder;
    }
}
