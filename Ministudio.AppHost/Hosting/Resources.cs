namespace Ministudio.AppHost.Hosting;

/// <summary>Anything the application model declares: infrastructure or a project.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource that others reach through <c>ConnectionStrings__{name}</c>.</summary>
public interface IResourceWithConnectionString : IResource;

/// <summary>A declared resource plus the builder it belongs to; the fluent <c>With*</c> methods hang off it.</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    T Resource { get; }

    IDistributedApplicationBuilder ApplicationBuilder { get; }
}

public sealed class RedisResource(string name) : IResourceWithConnectionString
{
    public string Name { get; } = name;
}

public sealed class RabbitMQServerResource(string name) : IResourceWithConnectionString
{
    public string Name { get; } = name;
}

/// <summary>A PostgreSQL server; its connection string names <see cref="DatabaseName"/>, created when missing.</summary>
public sealed class PostgresServerResource(string name, string databaseName) : IResourceWithConnectionString
{
    public string Name { get; } = name;

    public string DatabaseName { get; } = databaseName;
}

/// <summary>A named endpoint of a project; <see cref="Port"/> is fixed, or null for a free port picked at start.</summary>
public sealed record EndpointAnnotation(string Name, bool Http2Only, int? Port, bool IsExternal);

/// <summary>A .NET project of this repository, started as <c>dotnet bin/{Configuration}/net10.0/{ProjectName}.dll</c>.</summary>
public sealed class ProjectResource(string name, string projectDirectory) : IResource
{
    public string Name { get; } = name;

    /// <summary>Relative to the repository root, e.g. <c>services/Ministudio.Prompt</c>.</summary>
    public string ProjectDirectory { get; } = projectDirectory;

    public string ProjectName => Path.GetFileName(ProjectDirectory.TrimEnd('/', '\\'));

    public List<EndpointAnnotation> Endpoints { get; } = [];

    public Dictionary<string, string> Environment { get; } = [];

    public List<IResource> References { get; } = [];

    public List<IResource> WaitsFor { get; } = [];
}

internal sealed class ResourceBuilder<T>(T resource, IDistributedApplicationBuilder applicationBuilder) : IResourceBuilder<T>
    where T : IResource
{
    public T Resource { get; } = resource;

    public IDistributedApplicationBuilder ApplicationBuilder { get; } = applicationBuilder;
}
