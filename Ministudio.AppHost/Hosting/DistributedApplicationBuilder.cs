using Microsoft.Extensions.Configuration;

namespace Ministudio.AppHost.Hosting;

public interface IDistributedApplicationBuilder
{
    /// <summary>Environment variables, then the command line: <c>ConnectionStrings:{name}</c>, <c>AppHost:RunDirectory</c>, …</summary>
    ConfigurationManager Configuration { get; }

    /// <summary>The folder holding Ministudio.sln; project directories are relative to it.</summary>
    string RepositoryRoot { get; }

    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    DistributedApplication Build();
}

/// <summary>How the launcher itself behaves; the model is declared on the builder.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Command-line arguments, read as configuration (<c>--ConnectionStrings:redis=…</c>).</summary>
    public string[] Args { get; init; } = [];

    /// <summary>Where resource output and the launcher's own messages go; null means the console.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>How long one resource may take to become ready once its dependencies are.</summary>
    public TimeSpan ReadinessTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Null: the folder above the AppHost's binaries (or the current directory) that holds Ministudio.sln.</summary>
    public string? RepositoryRoot { get; init; }
}

internal sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly DistributedApplicationOptions _options;
    private readonly List<IResource> _resources = [];
    private bool _built;

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        _options = options;
        Configuration = new ConfigurationManager();
        Configuration.AddEnvironmentVariables();
        Configuration.AddCommandLine(options.Args);
        RepositoryRoot = options.RepositoryRoot ?? HostEnvironment.FindRepositoryRoot();
    }

    public ConfigurationManager Configuration { get; }

    public string RepositoryRoot { get; }

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (string.IsNullOrWhiteSpace(resource.Name)) throw new ArgumentException("A resource needs a name.", nameof(resource));
        if (_resources.Any(existing => string.Equals(existing.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build()
    {
        if (_built) throw new InvalidOperationException("Build() was already called on this builder.");
        foreach (var project in _resources.OfType<ProjectResource>())
        {
            foreach (var other in project.References.Concat(project.WaitsFor))
            {
                if (!_resources.Contains(other))
                    throw new InvalidOperationException($"'{project.Name}' refers to '{other.Name}', which this builder does not declare.");
            }
            if (project.References.OfType<ProjectResource>().FirstOrDefault(target => target.Endpoints.Count == 0) is { } silent)
                throw new InvalidOperationException($"'{project.Name}' references '{silent.Name}', which has no endpoint.");
        }
        ThrowOnWaitCycle();
        _built = true;
        return new DistributedApplication(_resources.ToList(), Configuration, RepositoryRoot, _options);
    }

    private void ThrowOnWaitCycle()
    {
        var finished = new HashSet<IResource>();
        var visiting = new Stack<IResource>();
        foreach (var resource in _resources) Visit(resource);

        void Visit(IResource resource)
        {
            if (finished.Contains(resource)) return;
            if (visiting.Contains(resource))
                throw new InvalidOperationException($"WaitFor cycle: {string.Join(" → ", visiting.Reverse().Select(r => r.Name))} → {resource.Name}.");
            visiting.Push(resource);
            if (resource is ProjectResource project)
            {
                foreach (var dependency in project.WaitsFor) Visit(dependency);
            }
            visiting.Pop();
            finished.Add(resource);
        }
    }
}
