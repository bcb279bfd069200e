using System.Text;
using Microsoft.Extensions.Configuration;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using k8s.Models;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// One source of truth for configuration: what each service's code requires at start is what every overlay gives it;
/// resource names are ResourceNames; every endpoint URL names the Service and port that serve it; NetworkPolicies admit
/// exactly the callers the configuration declares.
/// </summary>
public sealed class ConfigurationContractTests
{
    [Fact]
    public void The_code_scan_finds_the_keys_services_are_known_to_require()
    {
        // Guards the scanner itself: if it found nothing, every overlay would trivially pass.
        Assert.Contains("services__prompt__http__0", RequiredConfiguration.Of(ResourceNames.Gateway));
        Assert.Contains("ConnectionStrings__redis", RequiredConfiguration.Of(ResourceNames.Gateway));
        Assert.Contains("services__render__grpc__0", RequiredConfiguration.Of(ResourceNames.Dispatch));
        Assert.Contains("ConnectionStrings__postgres", RequiredConfiguration.Of(ResourceNames.Prompt));
        Assert.Contains("Artifacts__Root", RequiredConfiguration.Of(ResourceNames.Compose));
        Assert.Equal(["Artifacts__Root", "ServiceTrust__SigningKey"], RequiredConfiguration.Of(ResourceNames.Render));
        Assert.All(RequiredConfiguration.Services, service => Assert.Contains("ServiceTrust__SigningKey", RequiredConfiguration.Of(service)));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_service_gets_each_key_its_code_requires_at_start(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        var secretKeys = SecretKeysFromScript(await Kustomize.RenderAsync("dev"));
        var missing = new StringBuilder();
        foreach (var service in RequiredConfiguration.Services)
        {
            var provided = Provided(rendered, rendered.Named<V1Deployment>(service).Spec.Template.Spec.Containers.Single(), secretKeys);
            foreach (var key in RequiredConfiguration.Of(service).Where(k => !provided.Contains(k)))
                missing.AppendLine($"{overlay}: {service} requires {key}, which its Deployment does not provide");
        }
        Assert.True(missing.Length == 0, missing.ToString());
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Resource_names_are_ResourceNames_everywhere(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        foreach (var name in RequiredConfiguration.ResourceNamesByConstant.Values)
        {
            var deployment = rendered.Named<V1Deployment>(name);
            rendered.Named<V1Service>(name);
            Assert.Equal(name, deployment.Spec.Template.Metadata.Labels["app.kubernetes.io/name"]);
            var container = deployment.Spec.Template.Spec.Containers.Single();
            Assert.Equal(name, container.Name);
            Assert.StartsWith(overlay == "dev" ? $"ministudio/{name}:" : $"registry.example.com/ministudio/{name}:", container.Image, StringComparison.Ordinal);
            if (RequiredConfiguration.Services.Contains(name))
                Assert.Equal(name, container.Env.Single(e => e.Name == "OTEL_SERVICE_NAME").Value);
        }
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_endpoint_url_names_the_Service_port_and_container_port_that_serve_it(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        var config = rendered.Named<V1ConfigMap>("ministudio-config").Data;
        var endpoints = config.Where(kv => kv.Key.StartsWith("services__", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(endpoints);
        foreach (var (key, value) in endpoints)
        {
            var parts = key.Split("__");   // services, name, endpoint, 0
            var url = new Uri(value);
            Assert.Equal(parts[1], url.Host);
            var port = rendered.Named<V1Service>(parts[1]).Spec.Ports.SingleOrDefault(p => p.Name == parts[2])
                ?? throw new Xunit.Sdk.XunitException($"{key}: Service {parts[1]} has no port named {parts[2]}");
            Assert.Equal(port.Port, url.Port);
            var container = rendered.Named<V1Deployment>(parts[1]).Spec.Template.Spec.Containers.Single();
            var containerPort = container.Ports.Single(p => p.Name == port.TargetPort.Value).ContainerPort;
            Assert.Equal(url.Port, containerPort);
            Assert.Equal($"http://+:{containerPort}", container.Env.Single(e => e.Name == $"Kestrel__Endpoints__{parts[2]}__Url").Value);
        }
        // Infrastructure and telemetry hosts are Services with those ports.
        var otlp = new Uri(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Contains(rendered.Named<V1Service>(otlp.Host).Spec.Ports, p => p.Port == otlp.Port);
        var secret = ReadEnv(await Kustomize.CopyAsync());
        Assert.Contains(rendered.Named<V1Service>(ResourceNames.Postgres).Spec.Ports, p => secret["ConnectionStrings__postgres"].Contains($"Host={p.Name};Port={p.Port};", StringComparison.Ordinal));
        Assert.Contains(rendered.Named<V1Service>(ResourceNames.RabbitMq).Spec.Ports, p => secret["ConnectionStrings__rabbitmq"].Contains($"@{p.Name}:{p.Port}/", StringComparison.Ordinal));
        Assert.Contains(rendered.Named<V1Service>(ResourceNames.Redis).Spec.Ports, p => secret["ConnectionStrings__redis"].StartsWith($"{p.Name}:{p.Port},", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Network_policies_admit_exactly_the_callers_the_configuration_declares(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        // caller → callee from the keys each service requires (ConnectionStrings__X, services__X__...), plus the
        // bootstrap Job, which applies prompt's schema in PostgreSQL.
        var callers = new Dictionary<string, SortedSet<string>>();
        foreach (var service in RequiredConfiguration.Services)
            foreach (var key in RequiredConfiguration.Of(service))
            {
                var parts = key.Split("__");
                if (parts[0] is "ConnectionStrings" or "services") Callers(parts[1]).Add(service);
            }
        Callers(ResourceNames.Postgres).Add("bootstrap");

        var policies = rendered.All<V1NetworkPolicy>().ToList();
        Assert.Contains(policies, p => p.Metadata.Name == "default-deny-ingress" && p.Spec.PodSelector.MatchLabels is null or { Count: 0 });
        foreach (var name in RequiredConfiguration.ResourceNamesByConstant.Values.Where(n => n != ResourceNames.Gateway))
        {
            var policy = policies.Single(p => p.Spec.PodSelector.MatchLabels is { } labels && labels.TryGetValue("app.kubernetes.io/name", out var selected) && selected == name);
            var admitted = (policy.Spec.Ingress ?? []).SelectMany(rule => rule.FromProperty ?? [])
                .Where(peer => peer.PodSelector is not null && peer.NamespaceSelector is null)
                .Select(peer => peer.PodSelector.MatchLabels["app.kubernetes.io/name"]).Order();
            var declared = callers.TryGetValue(name, out var set) ? set.ToList() : [];
            Assert.True(declared.SequenceEqual(admitted),
                $"{name}: configuration declares callers [{string.Join(", ", declared)}], its NetworkPolicy admits [{string.Join(", ", admitted)}]");
            Assert.All(policy.Spec.Ingress ?? [], rule => Assert.NotNull(rule.FromProperty));
        }
        // Only the gateway takes traffic from anywhere.
        var open = policies.Where(p => p.Spec.Ingress?.Any(rule => rule.FromProperty is null) == true).Select(p => p.Metadata.Name);
        Assert.Equal([ResourceNames.Gateway], open);

        SortedSet<string> Callers(string callee) => callers.TryGetValue(callee, out var set) ? set : callers[callee] = new(StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_artifact_store_setting_passes_the_services_own_check_and_the_store_is_where_the_backend_needs_it(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        var secretKeys = SecretKeysFromScript(await Kustomize.RenderAsync("dev"));
        var storing = RequiredConfiguration.Services.Where(s => RequiredConfiguration.Of(s).Contains("Artifacts__Root")).Order().ToList();
        Assert.Equal([ResourceNames.Compose, ResourceNames.Dispatch, ResourceNames.Prompt, ResourceNames.Render], storing);
        var backends = new HashSet<bool>();
        foreach (var service in storing)
        {
            var pod = rendered.Named<V1Deployment>(service).Spec.Template.Spec;
            var environment = EnvironmentOf(rendered, pod.Containers.Single(), secretKeys);
            // The options class the services bind and validate at start (ArtifactStore's AddArtifactStore).
            var options = new ConfigurationBuilder()
                .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":", StringComparison.Ordinal), (string?)e.Value)))
                .Build().GetSection(ArtifactOptions.Section).Get<ArtifactOptions>() ?? new ArtifactOptions();
            Assert.True(options.Problem() is null, $"{overlay}: {service}: {options.Problem()}");
            backends.Add(options.UsesS3);
            var mount = pod.Containers.Single().VolumeMounts.Single(m => m.MountPath == options.Root);
            var volume = pod.Volumes.Single(v => v.Name == mount.Name);
            if (options.UsesS3)
            {
                // The bucket's credentials come from the Secret; the local folder is the pod's own.
                foreach (var credential in new[] { nameof(S3ArtifactOptions.AccessKey), nameof(S3ArtifactOptions.SecretKey) })
                {
                    var key = $"{ArtifactOptions.Section}__{nameof(ArtifactOptions.S3)}__{credential}";
                    Assert.Equal($"(secret {key})", environment.GetValueOrDefault(key));
                }
                Assert.True(volume.EmptyDir is not null && volume.PersistentVolumeClaim is null, $"{overlay}: {service} keeps {options.Root} on {volume.Name}, not an emptyDir");
            }
            else
            {
                // Every service reads and writes the one store: the ReadWriteMany claim.
                Assert.Equal("artifacts", volume.PersistentVolumeClaim?.ClaimName);
                Assert.Equal(["ReadWriteMany"], rendered.Named<V1PersistentVolumeClaim>("artifacts").Spec.AccessModes);
            }
        }
        Assert.Single(backends);
        Assert.Equal(overlay != "dev", backends.Single());
        // With S3 there is no shared volume left to provision.
        if (backends.Single()) Assert.DoesNotContain(rendered.All<V1PersistentVolumeClaim>(), claim => claim.Metadata.Name == "artifacts");
    }

    /// <summary>Env names, keys of envFrom ConfigMaps (rendered) and of envFrom Secrets; secretKeyRefs must name keys the Secret has.</summary>
    private static HashSet<string> Provided(RenderedOverlay rendered, V1Container container, IReadOnlySet<string> secretKeys) =>
        EnvironmentOf(rendered, container, secretKeys).Keys.ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// A container's environment as Kubernetes makes it (env over envFrom): ConfigMap values as rendered, a Secret's
    /// value as "(secret KEY)"; every secretKeyRef must name a key the Secret has.
    /// </summary>
    private static Dictionary<string, string> EnvironmentOf(RenderedOverlay rendered, V1Container container, IReadOnlySet<string> secretKeys)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } map)
                foreach (var (key, value) in rendered.Named<V1ConfigMap>(map.Name).Data) environment[key] = value;
            if (source.SecretRef is { Name: "ministudio-secrets" })
                foreach (var key in secretKeys) environment[key] = $"(secret {key})";
        }
        foreach (var env in container.Env ?? [])
        {
            if (env.ValueFrom?.SecretKeyRef is { } reference)
            {
                Assert.Equal("ministudio-secrets", reference.Name);
                Assert.True(secretKeys.Contains(reference.Key), $"{rendered.Name}: {container.Name} reads {reference.Key}, which scripts/k8s-secrets.sh does not write");
                environment[env.Name] = $"(secret {reference.Key})";
            }
            else environment[env.Name] = env.Value ?? "";
        }
        return environment;
    }

    /// <summary>The Secret's keys, as scripts/k8s-secrets.sh writes them (the dev overlay generates the Secret from its file).</summary>
    private static IReadOnlySet<string> SecretKeysFromScript(RenderedOverlay dev) =>
        dev.Named<V1Secret>("ministudio-secrets").Data.Keys.ToHashSet(StringComparer.Ordinal);

    private static Dictionary<string, string> ReadEnv(string k8sCopy) =>
        File.ReadAllLines(Path.Combine(k8sCopy, "overlays", "dev", "secrets.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
