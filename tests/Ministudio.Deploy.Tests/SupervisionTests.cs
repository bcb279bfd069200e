using k8s.Models;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// In Kubernetes the kubelet is the supervisor: a crashed container is restarted (restartPolicy Always), a hung one
/// is killed and restarted when /alive stops answering, and one not ready (/health: its Redis, RabbitMQ or
/// PostgreSQL away) gets no traffic until it is. Every service's Deployment has to say so.
/// </summary>
public sealed class SupervisionTests
{
    [Theory]
    [MemberData(nameof(Kustomize.OverlayNames), MemberType = typeof(Kustomize))]
    public async Task Every_service_is_restarted_when_it_dies_or_hangs_and_gets_traffic_only_when_ready(string overlay)
    {
        var rendered = await Kustomize.RenderAsync(overlay);
        Assert.NotEmpty(RequiredConfiguration.Services);
        foreach (var service in RequiredConfiguration.Services)
        {
            var pod = rendered.Named<V1Deployment>(service).Spec.Template.Spec;
            Assert.True(pod.RestartPolicy is null or "Always", $"{overlay}: {service} has restartPolicy {pod.RestartPolicy}");
            var container = pod.Containers.Single();
            Assert.True(container.LivenessProbe?.HttpGet?.Path == "/alive", $"{overlay}: {service} has no liveness probe on /alive");
            Assert.True(container.ReadinessProbe?.HttpGet?.Path == "/health", $"{overlay}: {service} has no readiness probe on /health");
            // A liveness probe that fires on the first slow start would restart a healthy pod forever.
            Assert.True(container.LivenessProbe.FailureThreshold * container.LivenessProbe.PeriodSeconds >= 30,
                $"{overlay}: {service} is killed after less than 30 s without an answer on /alive");
        }
    }
}
