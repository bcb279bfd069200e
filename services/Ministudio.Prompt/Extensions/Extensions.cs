using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.Prompt.Apis;
using Ministudio.Prompt.Artifacts;
using Ministudio.Prompt.Batches;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Library;
using Ministudio.Prompt.Moderation;
using Ministudio.Prompt.Networking;
using Ministudio.Prompt.Tenants;
using Ministudio.Prompt.Webhooks;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        builder.AddServiceTrust(ResourceNames.Prompt);
        builder.AddPostgresDataSource();
        // Before the bus: hosted services start in order, and no message may be consumed before the schema is there.
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.AddArtifactStore();
        builder.AddRabbitMqBus(bus => bus.AddConsumer<JobEventsConsumer>());

        builder.Services.AddSingleton<TenantDirectory>();
        builder.Services.AddSingleton<TenantAdministration>();
        builder.Services.AddSingleton<ProviderSecrets>();
        builder.Services.AddSingleton<TenantData>();
        builder.Services.AddOptions<ModerationOptions>().BindConfiguration(ModerationOptions.Section)
            .Validate(o => o.OpenAi.Timeout > TimeSpan.Zero && o.OpenAi.BaseUrl.IsAbsoluteUri, $"{ModerationOptions.Section}:OpenAi needs an absolute BaseUrl and a positive Timeout.")
            .ValidateOnStart();
        builder.Services.AddHttpClient<OpenAiModerationClient>(OpenAiModerationClient.ClientName);
        builder.Services.AddSingleton<ContentModeration>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (builder.Configuration[AdminKeyFilter.KeySetting] is { Length: > 0 and < AdminKeyFilter.MinKeyLength })
            throw new InvalidOperationException($"{AdminKeyFilter.KeySetting} must be at least {AdminKeyFilter.MinKeyLength} characters.");
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<JobStateMachine>();
        builder.Services.AddSingleton<JobDeliverables>();
        builder.Services.AddOptions<ProvenanceOptions>().BindConfiguration(ProvenanceOptions.Section)
            .Validate(o => o.Key is null || o.Key.Length >= ProvenanceOptions.MinKeyLength, $"{ProvenanceOptions.Section}:Key must be at least {ProvenanceOptions.MinKeyLength} characters.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ProvenanceManifests>();
        builder.Services.AddSingleton<TimelineJobs>();
        builder.Services.AddSingleton<LibraryStore>();
        builder.Services.AddSingleton<FilmResolver>();
        builder.Services.AddOptions<SpeechTimingOptions>().BindConfiguration(SpeechTimingOptions.Section)
            .Validate(o => o.PadSeconds >= 0 && o.MeasureTimeoutSeconds > 0, $"{SpeechTimingOptions.Section}:PadSeconds must be 0 or more and MeasureTimeoutSeconds positive.")
            .ValidateOnStart();
        builder.Services.AddScoped<SpeechTiming>();
        builder.Services.AddSingleton<ReferenceImages>();
        builder.Services.AddSingleton<TenantAssets>();
        builder.Services.AddHostedService<TenantSeeder>();
        // After the initializer: Data Protection loads its key ring at start-up, from the table the schema creates.
        builder.AddSecretsAtRest();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<JobGauges>();
        builder.Services.AddOptions<JobQueueOptions>().BindConfiguration(JobQueueOptions.Section)
            .Validate(o => o.QueueTtl > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero && o.ShotAllowance > TimeSpan.Zero && o.DeadlineSlack >= TimeSpan.Zero,
                $"{JobQueueOptions.Section}:QueueTtl, SweepInterval and ShotAllowance must be positive, DeadlineSlack 0 or more.")
            .ValidateOnStart();
        builder.Services.AddSingleton<JobQueueSweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobQueueSweeper>());
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section)
            .Validate(o => o.SweepInterval > TimeSpan.Zero, $"{RetentionOptions.Section}:SweepInterval must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ArtifactRetention>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ArtifactRetention>());

        // Webhooks and image fetches reach tenant-supplied URLs, only through the SSRF guard.
        builder.AddSsrfGuard();
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<WebhookStore>();
        builder.Services.AddHostedService<WebhookDeliveryWorker>();

        builder.Services.AddOptions<BatchOptions>().BindConfiguration(BatchOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<BatchStore>();
        builder.Services.AddSingleton<BatchAdmission>();
        builder.Services.AddHostedService<BatchScheduler>();
        builder.Services.AddApiDocument();
        return builder;
    }

    /// <summary>Data Protection with its key ring in PostgreSQL under a fixed application name, so replicas share keys.</summary>
    private static void AddSecretsAtRest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(SecretProtector.ApplicationName);
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<NpgsqlDataSource>((options, dataSource) => options.XmlRepository = new PostgresXmlRepository(dataSource));
        builder.Services.AddSingleton<SecretProtector>();
    }
}
