using Ministudio.Prompt.Artifacts;
using Ministudio.Prompt.Batches;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPostgresDataSource();
        builder.AddArtifactStore();
        builder.AddRabbitMqBus(bus => bus.AddConsumer<JobEventsConsumer>());

        builder.Services.AddSingleton<TenantDirectory>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<LibraryStore>();
        builder.Services.AddSingleton<FilmResolver>();
        builder.Services.AddSingleton<ReferenceImages>();
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.Services.AddHostedService<OutboxRelay>();

        builder.Services.Configure<BatchOptions>(builder.Configuration.GetSection(BatchOptions.Section));
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<BatchAdmission>();
        builder.Services.AddHostedService<BatchScheduler>();
        return builder;
    }
}
