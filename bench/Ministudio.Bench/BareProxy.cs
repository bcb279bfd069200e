using Yarp.ReverseProxy.Configuration;

namespace Ministudio.Bench;

/// <summary>
/// The peer of P1: a YARP forward with nothing else — no authentication, rate limit, telemetry or logging — to the
/// same prompt, with the same route shape as the gateway. What the gateway costs is measured against this.
/// </summary>
public static class BareProxy
{
    public static async Task RunAsync(Arguments args)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{args.Required("port")}");
        builder.Services.AddReverseProxy().LoadFromMemory(
            [new RouteConfig { RouteId = "v1", ClusterId = "prompt", Match = new RouteMatch { Path = "/v1/{**rest}" } }],
            [new ClusterConfig
            {
                ClusterId = "prompt",
                Destinations = new Dictionary<string, DestinationConfig> { ["prompt"] = new() { Address = args.Required("to") } },
            }]);
        var app = builder.Build();
        app.MapGet("/alive", () => "ok");
        app.MapReverseProxy();
        await app.RunAsync();
    }
}
