using k8s;
using k8s.Models;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// Every overlay renders, every object is valid for Kubernetes 1.27 (types, required fields, enums) and, loaded
/// strictly into the KubernetesClient 21 API types, has no field those types lack; KEDA's objects are checked against
/// KEDA's own CRD schema. Each check is also shown to fail on a broken object.
/// </summary>
public sealed class ManifestSchemaTests
{
    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_overlay_renders_and_loads_strictly_into_the_API_types(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);

        Assert.Equal(rendered.Documents.Count(d => !Kustomize.IsCustomResource(d)), rendered.BuiltInObjects.Count);
        string[] deployments = ["gateway", "mcp", "prompt", "dispatch", "render", "compose", "postgres", "rabbitmq", "redis", "otel-collector", "aspire-dashboard"];
        Assert.Equal(deployments.Order(), rendered.All<V1Deployment>().Select(d => d.Metadata.Name).Order());
        Assert.Equal(["gateway", "prompt"], rendered.All<V2HorizontalPodAutoscaler>().Select(h => h.Metadata.Name).Order());
        Assert.Equal(6, rendered.All<V1PodDisruptionBudget>().Count());
        Assert.Single(rendered.All<V1Job>(), j => j.Metadata.Name == "bootstrap");
        Assert.Contains(rendered.All<V1NetworkPolicy>(), p => p.Metadata.Name == "default-deny-ingress");
        Assert.All(rendered.BuiltInObjects.Cast<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace),
            o => Assert.Equal("ministudio", o.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task Strict_loading_rejects_a_misspelt_field()
    {
        var rendered = await Kustomize.RenderAsync("dev");
        var gateway = rendered.Documents.Single(d => d.StartsWith("apiVersion: apps/v1\nkind: Deployment\n", StringComparison.Ordinal) && d.Contains("\n  name: gateway\n", StringComparison.Ordinal));

        KubernetesYaml.LoadAllFromString(gateway, strict: true);
        var misspelt = gateway.Replace("readinessProbe:", "readynessProbe:", StringComparison.Ordinal);
        Assert.NotEqual(gateway, misspelt);
        Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(misspelt, strict: true));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_object_validates_against_the_Kubernetes_1_27_and_KEDA_schemas(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);

        var report = await SchemaValidator.ValidateAsync(rendered.Yaml);

        Assert.True(report.ExitCode == 0, string.Join('\n', report.Lines.Where(l => !l.StartsWith("ok ", StringComparison.Ordinal))));
        Assert.Equal(SchemaValidator.KubernetesVersion, report.Kubernetes);
        Assert.Equal(SchemaValidator.KedaVersion, report.Keda);
        Assert.Equal(rendered.Documents.Count, report.Validated);
        Assert.Equal(3, report.Lines.Count(l => l.StartsWith("ok ScaledObject/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Schema_validation_rejects_wrong_types_missing_fields_bad_enums_and_bad_scaled_objects()
    {
        const string broken = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: { name: wrong-type }
            spec:
              replicas: two
              selector: { matchLabels: { app: x } }
              template: { metadata: { labels: { app: x } }, spec: { containers: [{ name: x, image: x }] } }
            ---
            apiVersion: v1
            kind: Service
            metadata: { name: missing-port }
            spec: { ports: [{ name: http }] }
            ---
            apiVersion: v1
            kind: Pod
            metadata: { name: bad-enum }
            spec: { containers: [{ name: x, image: x, imagePullPolicy: Sometimes }] }
            ---
            apiVersion: keda.sh/v1alpha1
            kind: ScaledObject
            metadata: { name: no-target }
            spec: { triggers: [{ type: rabbitmq, metadata: { queueName: q } }] }
            """;

        var report = await SchemaValidator.ValidateAsync(broken);

        Assert.Equal(1, report.ExitCode);
        Assert.Equal(4, report.Failures);
        Assert.Contains(report.Lines, l => l.StartsWith("FAIL Deployment/wrong-type", StringComparison.Ordinal) && l.Contains("replicas"));
        Assert.Contains(report.Lines, l => l.StartsWith("FAIL Service/missing-port", StringComparison.Ordinal) && l.Contains("port"));
        Assert.Contains(report.Lines, l => l.StartsWith("FAIL Pod/bad-enum", StringComparison.Ordinal) && l.Contains("imagePullPolicy"));
        Assert.Contains(report.Lines, l => l.StartsWith("FAIL ScaledObject/no-target", StringComparison.Ordinal) && l.Contains("scaleTargetRef"));
    }
}
