extern alias prompt;
extern alias dispatch;
extern alias gateway;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using PromptProgram = prompt::Program;
using DispatchProgram = dispatch::Program;
using GatewayProgram = gateway::Program;

namespace Ministudio.Clients.Tests;

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformHosts>
{
    public const string Name = "platform hosts";
}

/// <summary>
/// The public API as a client meets it: the real gateway (key check, rate limit, YARP) in front of the real prompt and
/// dispatch services on loopback ports, on real PostgreSQL and Redis. The bus is MassTransit's in-memory harness, where
/// <see cref="StandInStudio"/> plays dispatch's workers and compose: it answers every shot and every composition.
/// </summary>
public sealed class PlatformHosts : IAsyncLifetime
{
    public static readonly string TenantKey = ApiKeys.Generate(ApiKeys.Test);
    public static readonly string OtherTenantKey = ApiKeys.Generate(ApiKeys.Test);
    public const string AdminKey = "admin-key-for-client-tests-0123456789";

    private readonly string _artifacts = Directory.CreateTempSubdirectory("ministudio-client-tests").FullName;

    public WebApplicationFactory<PromptProgram> Prompt { get; private set; } = null!;
    public WebApplicationFactory<DispatchProgram> Dispatch { get; private set; } = null!;
    public WebApplicationFactory<GatewayProgram> Gateway { get; private set; } = null!;
    public Uri GatewayUrl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var redis = await TestInfrastructure.RedisAsync();
        var promptDatabase = await TestInfrastructure.CreateDatabaseAsync("clients-prompt");
        var dispatchDatabase = await TestInfrastructure.CreateDatabaseAsync("clients-dispatch");

        Prompt = new WebApplicationFactory<PromptProgram>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:postgres", promptDatabase);
            web.UseSetting("ConnectionStrings:rabbitmq", "amqp://unused-the-harness-replaces-the-bus/");
            web.UseSetting(ArtifactStore.RootKey, _artifacts);
            web.UseSetting("Seed:Tenants:acme:ApiKey", TenantKey);
            web.UseSetting("Seed:Tenants:globex:ApiKey", OtherTenantKey);
            web.UseSetting("Admin:ApiKey", AdminKey);
            // Webhooks and image fetches may name loopback addresses: nothing here leaves the machine.
            web.UseSetting("Networking:Ssrf:AllowLoopback", "true");
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
            web.ConfigureTestServices(services => services.AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<prompt::Ministudio.Prompt.Jobs.JobEventsConsumer>();
                bus.AddConsumer<StandInStudio.Shots>();
                bus.AddConsumer<StandInStudio.Compositions>();
                bus.AddConsumer<StandInStudio.Ledgers>();
                bus.AddConsumer<SpeechLengths>(); // films with narration are measured before they are accepted
            }));
        });
        Prompt.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        Prompt.StartServer();

        Dispatch = new WebApplicationFactory<DispatchProgram>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:postgres", dispatchDatabase);
            web.UseSetting("ConnectionStrings:redis", redis);
            web.UseSetting("ConnectionStrings:rabbitmq", "amqp://unused-the-harness-replaces-the-bus/");
            web.UseSetting(ArtifactStore.RootKey, _artifacts);
            web.UseSetting("services:render:grpc:0", "http://127.0.0.1:9");
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
            web.ConfigureTestServices(services => services.AddMassTransitTestHarness());
        });
        Dispatch.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        Dispatch.StartServer();

        Gateway = new WebApplicationFactory<GatewayProgram>().WithWebHostBuilder(web =>
        {
            web.UseSetting("services:prompt:http:0", AddressOf(Prompt.Services).ToString());
            web.UseSetting("services:dispatch:http:0", AddressOf(Dispatch.Services).ToString());
            // No MCP server here: its route exists, nothing answers it.
            web.UseSetting("services:mcp:http:0", "http://127.0.0.1:9");
            web.UseSetting("ConnectionStrings:redis", redis);
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
        });
        Gateway.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        Gateway.StartServer();
        GatewayUrl = AddressOf(Gateway.Services);
    }

    private static Uri AddressOf(IServiceProvider services) =>
        new(services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A plain HTTP client on the gateway, for what the typed client is checked against.</summary>
    public HttpClient RawClient() => new() { BaseAddress = GatewayUrl };

    public async ValueTask DisposeAsync()
    {
        // Null when start-up failed part-way; the start-up error is the one to report.
        if (Gateway is not null) await Gateway.DisposeAsync();
        if (Dispatch is not null) await Dispatch.DisposeAsync();
        if (Prompt is not null) await Prompt.DisposeAsync();
        Directory.Delete(_artifacts, recursive: true);
    }
}
