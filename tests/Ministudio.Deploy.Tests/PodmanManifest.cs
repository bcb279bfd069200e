using k8s;
using k8s.Models;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// The dev overlay's rendered objects, mapped onto one podman host for <c>podman kube play</c>. Only what podman
/// cannot do the cluster's way changes: no Services or cluster DNS (every Service name resolves, through hostAliases,
/// to the host's bridge address, where each pod publishes its container ports), no Jobs (the bootstrap Job runs as
/// its pod), images come from the local store, and CPU limits are capped at the host's cores. Objects podman does not
/// run (NetworkPolicy, PodDisruptionBudget, autoscalers, KEDA, Namespace) and the telemetry Deployments, whose
/// upstream images scripts/images.sh does not build, are left out and listed in <see cref="LeftOut"/>.
/// </summary>
public sealed class PodmanManifest
{
    public static readonly string[] TelemetryDeployments = ["otel-collector", "aspire-dashboard"];

    public required string Yaml { get; init; }

    /// <summary>
    /// podman 4.3 reads secretKeyRef from a podman secret holding a flat JSON object of base64 values (a Secret in the
    /// YAML becomes an unreadable secret), so the test creates it from this before <c>kube play</c>.
    /// </summary>
    public required string SecretName { get; init; }
    public required string SecretJson { get; init; }
    public required IReadOnlyList<string> LeftOut { get; init; }
    public required IReadOnlyList<string> Pods { get; init; }
    public required IReadOnlyList<string> Volumes { get; init; }
    public required IReadOnlyList<int> HostPorts { get; init; }

    /// <summary>Each service's "http" port, where its /health answers (what a readiness probe asks).</summary>
    public required IReadOnlyDictionary<string, int> HealthPorts { get; init; }

    public static PodmanManifest From(RenderedOverlay overlay, string hostAddress)
    {
        var services = overlay.All<V1Service>().Select(s => s.Metadata.Name).ToList();
        var aliases = new List<V1HostAlias> { new() { Ip = hostAddress, Hostnames = services } };
        var kept = new List<object>();
        var leftOut = new List<string>();
        var pods = new List<string>();
        var ports = new List<int>();
        V1Secret? secret = null;
        var health = new Dictionary<string, int>();

        // A copy of its own: images, ports and aliases are changed for podman, and the cached objects are shared.
        foreach (var item in overlay.LoadBuiltInObjects())
        {
            switch (item)
            {
                case V1Secret s:
                    secret = s;
                    break;
                case V1ConfigMap or V1PersistentVolumeClaim:
                    kept.Add(item);
                    break;
                case V1Deployment deployment when TelemetryDeployments.Contains(deployment.Metadata.Name):
                    leftOut.Add($"Deployment/{deployment.Metadata.Name} (upstream image, not built here)");
                    break;
                case V1Deployment deployment:
                    Adapt(deployment.Spec.Template.Spec, aliases, ports);
                    kept.Add(deployment);
                    if (deployment.Spec.Template.Spec.Containers.Single().ReadinessProbe?.HttpGet is { Path: "/health" })
                        health[deployment.Metadata.Name] = deployment.Spec.Template.Spec.Containers.Single().Ports.Single(p => p.Name == "http").ContainerPort;
                    pods.Add($"{deployment.Metadata.Name}-pod-0");
                    break;
                case V1Job job:
                    var spec = job.Spec.Template.Spec;
                    Adapt(spec, aliases, ports);
                    kept.Add(new V1Pod { ApiVersion = "v1", Kind = "Pod", Metadata = new V1ObjectMeta { Name = job.Metadata.Name, Labels = job.Spec.Template.Metadata.Labels }, Spec = spec });
                    pods.Add(job.Metadata.Name);
                    break;
                case IKubernetesObject<V1ObjectMeta> other:
                    leftOut.Add($"{other.Kind}/{other.Metadata.Name}");
                    break;
            }
        }
        leftOut.AddRange(overlay.Documents.Where(Kustomize.IsCustomResource).Select(d =>
            $"{Field(d, "kind:")}/{Field(d, "  name:")}"));

        Assert.NotNull(secret);
        // An empty value (the S3 credentials dev does not use) loads as null.
        return new PodmanManifest
        {
            SecretName = secret.Metadata.Name,
            SecretJson = System.Text.Json.JsonSerializer.Serialize(secret.Data.ToDictionary(kv => kv.Key, kv => Convert.ToBase64String(kv.Value ?? []))),
            Yaml = string.Join("\n---\n", kept.Select(o => KubernetesYaml.Serialize(o))),
            LeftOut = leftOut,
            Pods = pods,
            Volumes = overlay.All<V1PersistentVolumeClaim>().Select(c => c.Metadata.Name).ToList(),
            HostPorts = ports,
            HealthPorts = health,
        };
    }

    private static string Field(string document, string prefix) =>
        document.Split('\n').First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Trim();

    private static void Adapt(V1PodSpec spec, List<V1HostAlias> aliases, List<int> ports)
    {
        spec.HostAliases = aliases;
        foreach (var container in spec.Containers)
        {
            if (container.Image.StartsWith("ministudio/", StringComparison.Ordinal)) container.Image = $"localhost/{container.Image}";
            foreach (var port in container.Ports ?? [])
            {
                port.HostPort = port.ContainerPort;
                ports.Add(port.ContainerPort);
            }
            if (container.Resources?.Limits?.TryGetValue("cpu", out var cpu) == true && cpu.ToDecimal() > Environment.ProcessorCount)
                container.Resources.Limits["cpu"] = new ResourceQuantity(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
