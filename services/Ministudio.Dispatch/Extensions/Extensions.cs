using MassTransit;
using Microsoft.Extensions.Options;
using Ministudio.Contracts.Render;
using Ministudio.Dispatch.Caching;
using Ministudio.Dispatch.Consumers;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Money;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Routing;
using Ministudio.Platform;
using Ministudio.Platform.Tenancy;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Dispatch.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        builder.AddServiceTrust(ResourceNames.Dispatch);
        builder.AddRedisClient();
        builder.AddPostgresDataSource();
        // Registered before the bus so the ledger's schema exists before the first shot is consumed.
        builder.Services.AddHostedService<DatabaseInitializer>();
        builder.AddArtifactStore();
        builder.AddRabbitMqBus(bus =>
        {
            bus.AddConsumer<RenderShotConsumer, RenderShotConsumerDefinition>();
            bus.AddConsumer<TenantPlanChangedConsumer>();
            bus.AddConsumer<TenantErasedConsumer>();
            bus.AddConsumer<ExportTenantUsageConsumer>();
            bus.AddConsumer<SpeechSynthesizedConsumer>();
            bus.AddConsumer<SpeechSynthesizedConsumer>();
            // Every instance hears every cancellation: each stops the shots it is working on.
            bus.AddConsumer<JobCanceledConsumer>().Endpoint(endpoint => endpoint.EveryInstance());
            bus.AddTenantSecretInvalidation();
        });

        // A render streams for as long as it takes; the default HTTP timeouts and retries would cut it off. Pings find
        // a connection that died silently; LocalRenderProvider calls a render that is away again (RenderCallOptions).
        builder.Services.AddOptions<RenderCallOptions>().BindConfiguration(RenderCallOptions.Section)
            .Validate(options => options.IsValid, $"{RenderCallOptions.Section}: RetryFor must not be negative, FirstBackOff and KeepAlive must be positive.")
            .ValidateOnStart();
        builder.Services.AddGrpcClient<Renderer.RendererClient>(options => options.Address = new Uri($"http://_grpc.{ResourceNames.Render}"))
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var keepAlive = services.GetRequiredService<IOptions<RenderCallOptions>>().Value.KeepAlive;
                return new SocketsHttpHandler
                {
                    KeepAlivePingDelay = keepAlive,
                    KeepAlivePingTimeout = keepAlive,
                    KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
                    EnableMultipleHttp2Connections = true,
                };
            })
            .WithoutStandardResilience()
            .AddServiceCredential();
        builder.Services.AddSingleton<IVideoProvider, LocalRenderProvider>();
        builder.Services.AddSingleton<ClipDownloader>();
        builder.Services.AddSingleton<ShotInputs>();
        builder.Services.AddVideoVendors();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ResultCache>();
        builder.Services.AddSingleton<CostLedger>();
        builder.Services.AddVendorResilience();
        builder.Services.AddSingleton<VendorPipelines>();
        builder.AddTenantVendorSecrets();
        builder.Services.AddSingleton<ShotRouter>();
        builder.Services.AddSingleton<CanceledJobs>();
        builder.Services.AddOptions<ShotConsumerOptions>().BindConfiguration(ShotConsumerOptions.Section)
            .Validate(o => o.MaxConcurrentShots > 0, $"{ShotConsumerOptions.Section}:MaxConcurrentShots must be positive.").ValidateOnStart();
        builder.Services.AddOptions<ShotLeaseOptions>().BindConfiguration(ShotLeaseOptions.Section)
            .Validate(o => o.IsValid, $"{ShotLeaseOptions.Section}:HeartbeatInterval must be positive and GracePeriod longer than it.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ShotLeases>();
        builder.Services.AddApiDocument();
        return builder;
    }
}
