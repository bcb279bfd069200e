using Ministudio.Gateway.Authentication;
using Ministudio.Gateway.RateLimiting;
using Ministudio.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Ministudio.Gateway.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var prompt = builder.Configuration.GetRequiredServiceEndpoint(ResourceNames.Prompt);

        builder.Services.AddMemoryCache();
        builder.AddRedisClient();
        builder.Services.AddSingleton(builder.Configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions());
        builder.Services.AddSingleton<TenantRateLimiter>();
        builder.Services.AddHttpClient<ApiKeyResolver>(client => client.BaseAddress = new Uri($"http://{ResourceNames.Prompt}"));
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = "v1",
                    ClusterId = ResourceNames.Prompt,
                    Match = new RouteMatch { Path = "/v1/{**rest}" },
                },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = ResourceNames.Prompt,
                    Destinations = new Dictionary<string, DestinationConfig>
                    {
                        [ResourceNames.Prompt] = new() { Address = prompt.ToString() },
                    },
                    // Film videos stream for a while; the default 100 s activity timeout is kept for everything else.
                    HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) },
                },
            ])
            // The key stays at the edge: prompt learns the tenant from X-Tenant-Id only.
            .AddTransforms(transforms => transforms.AddRequestHeaderRemove("Authorization"));
        return builder;
    }
}
