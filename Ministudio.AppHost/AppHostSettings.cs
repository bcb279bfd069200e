using Microsoft.Extensions.Configuration;

namespace Ministudio.AppHost;

public enum InfrastructureMode
{
    /// <summary>redis-server, rabbitmq-server and PostgreSQL from the machine's binaries.</summary>
    Executables,

    /// <summary>Aspire's container integrations (needs a container runtime that can pull their images).</summary>
    Containers,
}

/// <summary>
/// The AppHost's own settings, section <c>Ministudio</c> (e.g. <c>--Ministudio:Replicas:Dispatch=2</c> or
/// <c>Ministudio__Infrastructure=containers</c>).
/// </summary>
public sealed class AppHostSettings
{
    public const string Section = "Ministudio";

    /// <summary>Infrastructure data, the development key and the artifacts; default <c>.ministudio/</c> in the repository.</summary>
    public string DataRoot { get; set; } = "";

    /// <summary>The content-addressed artifact folder every service shares; default <c>{DataRoot}/artifacts</c>.</summary>
    public string ArtifactsRoot { get; set; } = "";

    public InfrastructureMode Infrastructure { get; set; } = InfrastructureMode.Executables;

    public string DatabaseName { get; set; } = "ministudio";

    /// <summary>The gateway's public port; a free one is taken (with a warning) when it is busy.</summary>
    public int GatewayPort { get; set; } = 5400;

    /// <summary>The development tenant's key; default: generated once and kept in <c>{DataRoot}/dev-api-key</c>.</summary>
    public string? DevelopmentApiKey { get; set; }

    /// <summary>
    /// The key the services sign and verify their assertions with (<c>ServiceTrust:SigningKey</c>); default: a new
    /// random one every run, since every service restarts with the AppHost.
    /// </summary>
    public string ServiceTrustKey { get; set; } = "";

    public ReplicaSettings Replicas { get; set; } = new();

    public sealed class ReplicaSettings
    {
        public int Dispatch { get; set; } = 1;
        public int Render { get; set; } = 1;
    }

    public static AppHostSettings Read(IDistributedApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection(Section).Get<AppHostSettings>() ?? new AppHostSettings();
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        settings.DataRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(settings.DataRoot)
            ? Path.Combine(repositoryRoot, ".ministudio")
            : settings.DataRoot);
        settings.ArtifactsRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(settings.ArtifactsRoot)
            ? Path.Combine(settings.DataRoot, "artifacts")
            : settings.ArtifactsRoot);
        if (settings.Replicas.Dispatch < 1 || settings.Replicas.Render < 1)
            throw new InvalidOperationException($"{Section}:Replicas:Dispatch and :Render are at least 1.");
        if (settings.GatewayPort is < 1 or > 65535)
            throw new InvalidOperationException($"{Section}:GatewayPort takes a port from 1 to 65535, not {settings.GatewayPort}.");
        Directory.CreateDirectory(settings.DataRoot);
        Directory.CreateDirectory(settings.ArtifactsRoot);
        settings.DevelopmentApiKey ??= AppHost.DevelopmentApiKey.LoadOrCreate(settings.DataRoot);
        if (string.IsNullOrEmpty(settings.ServiceTrustKey))
            settings.ServiceTrustKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        else if (settings.ServiceTrustKey.Length < Platform.Trust.ServiceTrustOptions.MinimumKeyLength)
            throw new InvalidOperationException($"{Section}:ServiceTrustKey needs at least {Platform.Trust.ServiceTrustOptions.MinimumKeyLength} characters.");
        return settings;
    }
}
