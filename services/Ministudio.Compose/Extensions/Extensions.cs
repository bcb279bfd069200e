using MassTransit;
using Microsoft.Extensions.Options;
using Ministudio.Compose.Audio;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Compose.Rendering;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
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
            bus.AddTenantSecretInvalidation();
        });
        builder.Services.AddOptions<ComposeOptions>().BindConfiguration(ComposeOptions.Section)
            .Validate(options => options.IsValid, $"{ComposeOptions.Section}: MaxSeconds, Threads and MaxOutputBytes must be positive, MaxConcurrentFilms 1 to 16.")
            .ValidateOnStart();
        // The renderers take the caps as a value: tests hand them their own.
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<ComposeOptions>>().Value);
        builder.Services.AddSingleton<TimelineRenderer>();
        builder.Services.AddSingleton<FilmTimeline>();
        builder.AddAudio();
        return builder;
    }
}
