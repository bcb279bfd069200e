using Ministudio.Prompt.Artifacts;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.Prompt.Tenants;
using Ministudio.Prompt.Webhooks;
using Ministudio.ServiceDefaults;
using Ministudio.ServiceDefaults.Networking;

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

        // Webhooks and image fetches reach tenant-supplied URLs, only through the SSRF guard.
        builder.AddSsrfGuard();
        builder.Services.AddSingleton(builder.Configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions());
        // Webhook secrets are encrypted at rest; AddDataProtection is idempotent, so a key-ring setup elsewhere still applies.
        builder.Services.AddDataProtection();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddHostedService<WebhookDeliveryWorker>();
        return builder;
    }
}
