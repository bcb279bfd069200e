using Ministudio.AppHost.Hosting;
using Ministudio.ServiceDefaults;

namespace Ministudio.AppHost;

/// <summary>Settings of one launch of the platform.</summary>
public sealed class MinistudioOptions
{
    /// <summary>The shared artifact folder render, dispatch, compose and prompt read and write.</summary>
    public required string ArtifactsRoot { get; init; }

    /// <summary>Seeded by prompt for the "development" tenant.</summary>
    public required string DevelopmentApiKey { get; init; }

    /// <summary>More tenants prompt seeds, tenant name → API key.</summary>
    public Dictionary<string, string> ExtraTenantKeys { get; } = [];

    /// <summary>The operator's key for <c>/admin/v1</c> (prompt's Admin:ApiKey); null: the admin API is off.</summary>
    public string? AdminApiKey { get; init; }

    /// <summary>The gateway's port (a free one when busy); null: a free port.</summary>
    public int? GatewayPort { get; init; }
}

/// <summary>The Ministudio application: its resources, who references whom and who waits for whom.</summary>
public static class MinistudioModel
{
    public static void Define(IDistributedApplicationBuilder builder, MinistudioOptions options)
    {
        var artifactsRoot = EnvironmentKey(ArtifactStore.RootKey);

        var redis = builder.AddRedis(ResourceNames.Redis);
        var rabbitmq = builder.AddRabbitMQ(ResourceNames.RabbitMq);
        var postgres = builder.AddPostgres(ResourceNames.Postgres, databaseName: "ministudio");

        var render = builder.AddProject(ResourceNames.Render, "services/Ministudio.Render")
            .WithHttpEndpoint()
            .WithGrpcEndpoint()
            .WithEnvironment(artifactsRoot, options.ArtifactsRoot);

        var dispatch = builder.AddProject(ResourceNames.Dispatch, "services/Ministudio.Dispatch")
            .WithHttpEndpoint()
            .WithReference(postgres).WaitFor(postgres)
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithReference(redis).WaitFor(redis)
            .WithReference(render).WaitFor(render)
            .WithEnvironment(artifactsRoot, options.ArtifactsRoot);

        builder.AddProject(ResourceNames.Compose, "services/Ministudio.Compose")
            .WithHttpEndpoint()
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithEnvironment(artifactsRoot, options.ArtifactsRoot);

        var prompt = builder.AddProject(ResourceNames.Prompt, "services/Ministudio.Prompt")
            .WithHttpEndpoint()
            .WithReference(postgres).WaitFor(postgres)
            .WithReference(rabbitmq).WaitFor(rabbitmq)
            .WithReference(redis).WaitFor(redis)
            .WithEnvironment(artifactsRoot, options.ArtifactsRoot)
            .WithEnvironment("Seed__DevelopmentApiKey", options.DevelopmentApiKey);
        foreach (var (tenant, key) in options.ExtraTenantKeys)
            prompt.WithEnvironment($"Seed__Tenants__{tenant}__ApiKey", key);
        if (options.AdminApiKey is not null) prompt.WithEnvironment("Admin__ApiKey", options.AdminApiKey);

        builder.AddProject(ResourceNames.Gateway, "services/Ministudio.Gateway")
            .WithExternalHttpEndpoint(options.GatewayPort)
            .WithReference(prompt).WaitFor(prompt)
            .WithReference(dispatch).WaitFor(dispatch)
            .WithReference(redis).WaitFor(redis);
    }

    private static string EnvironmentKey(string configurationKey) => configurationKey.Replace(":", "__");
}
