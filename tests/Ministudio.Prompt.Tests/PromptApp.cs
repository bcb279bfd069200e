using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The prompt service on a fresh PostgreSQL database, MassTransit's in-memory harness as its bus, two tenants.</summary>
public sealed class PromptApp : IAsyncDisposable
{
    public static readonly string AcmeKey = ApiKeys.Generate(ApiKeys.Test);
    public static readonly string GlobexKey = ApiKeys.Generate(ApiKeys.Test);
    public const string AdminKey = "admin-key-for-tests-0123456789abcdef";

    private readonly string _artifactRoot = Directory.CreateTempSubdirectory("ministudio-prompt-tests").FullName;

    private PromptApp(WebApplicationFactory<Program> factory) => Factory = factory;

    public WebApplicationFactory<Program> Factory { get; private set; }
    public string Database { get; private set; } = "";
    public ITestHarness Harness => Factory.Services.GetTestHarness();
    public Guid Acme { get; private set; }
    public Guid Globex { get; private set; }

    /// <param name="settings">Extra configuration, applied after the defaults.</param>
    /// <param name="consumers">Stand-ins for other services' consumers that prompt sends requests to.</param>
    public static async Task<PromptApp> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IBusRegistrationConfigurator>? consumers = null)
    {
        var database = await TestInfrastructure.CreateDatabaseAsync("prompt");
        var app = new PromptApp(null!) { Database = database };
        app.Factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("ConnectionStrings:postgres", database);
            web.UseSetting("ConnectionStrings:rabbitmq", "amqp://unused-the-harness-replaces-the-bus/");
            web.UseSetting(ArtifactStore.RootKey, app._artifactRoot);
            web.UseSetting("Seed:Tenants:acme:ApiKey", AcmeKey);
            web.UseSetting("Seed:Tenants:globex:ApiKey", GlobexKey);
            web.UseSetting("Admin:ApiKey", AdminKey);
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) web.UseSetting(key, value);
            web.ConfigureTestServices(services => services.AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<JobEventsConsumer>();
                bus.AddConsumer<SpeechLengths>();
                consumers?.Invoke(bus);
            }));
        });
        var tenants = app.Factory.Services.GetRequiredService<TenantDirectory>();
        app.Acme = (await tenants.FindByKeyAsync(AcmeKey, CancellationToken.None))!.Id;
        app.Globex = (await tenants.FindByKeyAsync(GlobexKey, CancellationToken.None))!.Id;
        return app;
    }

    /// <summary>A client speaking as a tenant, the way the gateway forwards requests (a signed assertion).</summary>
    public HttpClient ClientFor(Guid tenant) => Factory.CreateDefaultClient(TrustedCalls.Handler(tenant));

    /// <summary>A client as the gateway (or the named service) calls without a tenant: /internal routes, or /admin with a key added.</summary>
    public HttpClient ServiceClient(string service = ResourceNames.Gateway) => Factory.CreateDefaultClient(TrustedCalls.Handler(service: service));

    /// <summary>A client holding the admin key, the way the gateway forwards /admin requests.</summary>
    public HttpClient AdminClient()
    {
        var client = ServiceClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        Directory.Delete(_artifactRoot, recursive: true);
    }
}
