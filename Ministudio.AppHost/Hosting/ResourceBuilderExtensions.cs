namespace Ministudio.AppHost.Hosting;

/// <summary>Aspire's builder vocabulary, so the model reads (and ports) the same as an Aspire AppHost.</summary>
public static class ResourceBuilderExtensions
{
    public const string HttpEndpointName = "http";
    public const string GrpcEndpointName = "grpc";

    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RedisResource(name));

    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddResource(new RabbitMQServerResource(name));

    public static IResourceBuilder<PostgresServerResource> AddPostgres(
        this IDistributedApplicationBuilder builder, string name, string databaseName = "ministudio") =>
        builder.AddResource(new PostgresServerResource(name, databaseName));

    /// <param name="projectDirectory">Relative to the repository root, e.g. <c>services/Ministudio.Prompt</c>.</param>
    public static IResourceBuilder<ProjectResource> AddProject(
        this IDistributedApplicationBuilder builder, string name, string projectDirectory) =>
        builder.AddResource(new ProjectResource(name, projectDirectory));

    /// <summary>Passes <c>ConnectionStrings__{name}</c> of the infrastructure resource.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString> source) =>
        AddReference(builder, source.Resource);

    /// <summary>Passes <c>services__{name}__{endpoint}__0</c> for every endpoint of the project.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> source) =>
        AddReference(builder, source.Resource);

    /// <summary>Starts the project only once <paramref name="dependency"/> is ready (a project: its /health is 200).</summary>
    public static IResourceBuilder<ProjectResource> WaitFor(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResource> dependency)
    {
        if (ReferenceEquals(dependency.Resource, builder.Resource))
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' cannot wait for itself.");
        if (!builder.Resource.WaitsFor.Contains(dependency.Resource)) builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    /// <summary>The "http" endpoint on a free loopback port.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder) =>
        AddEndpoint(builder, new EndpointAnnotation(HttpEndpointName, Http2Only: false, Port: null, IsExternal: false));

    /// <summary>The "grpc" endpoint (HTTP/2 without TLS) on a free loopback port.</summary>
    public static IResourceBuilder<ProjectResource> WithGrpcEndpoint(this IResourceBuilder<ProjectResource> builder) =>
        AddEndpoint(builder, new EndpointAnnotation(GrpcEndpointName, Http2Only: true, Port: null, IsExternal: false));

    /// <summary>
    /// The "http" endpoint people and clients use: on <paramref name="port"/> when given and free, otherwise on a free
    /// port (with a warning when <paramref name="port"/> was busy).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithExternalHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "A TCP port is 1 to 65535.");
        return AddEndpoint(builder, new EndpointAnnotation(HttpEndpointName, Http2Only: false, port, IsExternal: true));
    }

    private static IResourceBuilder<ProjectResource> AddReference(IResourceBuilder<ProjectResource> builder, IResource source)
    {
        if (ReferenceEquals(source, builder.Resource))
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' cannot reference itself.");
        if (!builder.Resource.References.Contains(source)) builder.Resource.References.Add(source);
        return builder;
    }

    private static IResourceBuilder<ProjectResource> AddEndpoint(IResourceBuilder<ProjectResource> builder, EndpointAnnotation endpoint)
    {
        if (builder.Resource.Endpoints.Any(existing => existing.Name == endpoint.Name))
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{endpoint.Name}'.");
        builder.Resource.Endpoints.Add(endpoint);
        return builder;
    }
}
