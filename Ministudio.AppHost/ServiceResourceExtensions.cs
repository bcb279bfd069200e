using Microsoft.Extensions.Configuration;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.AppHost;

/// <summary>How the AppHost wires a Ministudio service beyond Aspire's own references.</summary>
public static class ServiceResourceExtensions
{
    public const string GrpcEndpointName = "grpc";

    /// <summary>
    /// A second, HTTP/2-only endpoint for gRPC without TLS. Kestrel gets both endpoints from its own configuration
    /// keys (as Aspire does for Kestrel-configured projects), since cleartext HTTP/2 needs Protocols=Http2.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoint(this IResourceBuilder<ProjectResource> builder) =>
        builder
            .WithHttpEndpoint(name: GrpcEndpointName)
            .WithEndpoint(GrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithEnvironment(context =>
            {
                foreach (var endpoint in builder.Resource.GetEndpoints())
                {
                    var name = endpoint.EndpointName;
                    context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Url"] =
                        ReferenceExpression.Create($"http://localhost:{endpoint.Property(EndpointProperty.TargetPort)}");
                    if (name == GrpcEndpointName) context.EnvironmentVariables[$"Kestrel__Endpoints__{name}__Protocols"] = "Http2";
                }
            });

    /// <summary>
    /// Ready means the service's own /health passes (its Redis, RabbitMQ, PostgreSQL answer), so WaitFor holds a
    /// dependant back until then, not merely until the process runs.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceHealthCheck(this IResourceBuilder<ProjectResource> builder) =>
        builder.WithHttpHealthCheck(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath);

    /// <summary>The key every service signs and verifies its assertions with (services trust no bare tenant header).</summary>
    public static IResourceBuilder<ProjectResource> WithServiceTrust(this IResourceBuilder<ProjectResource> builder, AppHostSettings settings) =>
        builder.WithEnvironment(ConfigurationKey(ServiceTrustOptions.SigningKeyKey), settings.ServiceTrustKey);

    /// <summary>
    /// The shared content-addressed artifact folder, and every other <c>Artifacts:*</c> value of the AppHost's
    /// configuration (the S3 backend: <c>--Artifacts:Backend=s3 --Artifacts:S3:ServiceUrl=…</c>, retention of scratch).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithArtifacts(this IResourceBuilder<ProjectResource> builder, AppHostSettings settings, IConfiguration configuration)
    {
        builder.WithEnvironment(ConfigurationKey(ArtifactStore.RootKey), settings.ArtifactsRoot);
        foreach (var (key, value) in configuration.GetSection(ArtifactOptions.Section).AsEnumerable())
        {
            if (value is not null && key != ArtifactStore.RootKey) builder.WithEnvironment(ConfigurationKey(key), value);
        }
        return builder;
    }

    /// <summary>
    /// The operator's <c>Public:BaseUrl</c> (the platform behind a proxy, a tunnel or a domain), for the URLs a service
    /// hands out. Unset, answers use the address each client called (the gateway's forwarded headers), webhooks carry
    /// paths, and vendors that fetch inputs from URLs are refused with the key's name: none could reach localhost.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicBaseUrl(this IResourceBuilder<ProjectResource> builder, IConfiguration configuration) =>
        configuration[PublicUrlOptions.BaseUrlKey] is { Length: > 0 } url ? builder.WithEnvironment(ConfigurationKey(PublicUrlOptions.BaseUrlKey), url) : builder;

    /// <summary>Every <c>Seed:*</c> and <c>Admin:*</c> value of the AppHost's configuration, for prompt to seed tenants.</summary>
    public static IResourceBuilder<ProjectResource> WithTenantSeed(
        this IResourceBuilder<ProjectResource> builder, IConfiguration configuration, AppHostSettings settings)
    {
        builder.WithEnvironment("Seed__DevelopmentApiKey", settings.DevelopmentApiKey);
        foreach (var section in new[] { "Seed", "Admin" })
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable())
            {
                if (value is not null) builder.WithEnvironment(ConfigurationKey(key), value);
            }
        }
        return builder;
    }

    /// <summary>
    /// Some services must start once and stay one: the gateway's public port. When it is busy a free one is taken,
    /// with a warning, rather than failing the whole platform.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int port)
    {
        var chosen = Infrastructure.LoopbackPort.IsFree(port) ? port : Infrastructure.LoopbackPort.Free();
        if (chosen != port) Console.Error.WriteLine($"warning: port {port} for {builder.Resource.Name} is busy; using {chosen} instead");
        return builder.WithHttpEndpoint(port: chosen).WithExternalHttpEndpoints();
    }

    private static string ConfigurationKey(string key) => key.Replace(":", "__");
}
