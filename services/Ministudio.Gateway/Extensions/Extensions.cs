using Microsoft.Extensions.DependencyInjection.Extensions;
using Ministudio.Gateway.Authentication;
using Ministudio.Gateway.Documentation;
using Ministudio.Gateway.Forwarding;
using Ministudio.Gateway.RateLimiting;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace Ministudio.Gateway.Extensions;

public static class Extensions
{
    public const string AdminRouteId = "admin";
    public const string McpRouteId = "mcp";

    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        builder.AddServiceAssertions(ResourceNames.Gateway);
        var prompt = builder.Configuration.GetRequiredServiceEndpoint(ResourceNames.Prompt);
        var dispatch = builder.Configuration.GetRequiredServiceEndpoint(ResourceNames.Dispatch);
        var mcp = builder.Configuration.GetRequiredServiceEndpoint(ResourceNames.Mcp);

        builder.Services.AddOptions<BodyLimitOptions>().BindConfiguration(BodyLimitOptions.Section)
            .Validate(o => o.MaxRequestBodyBytes > 0, $"{BodyLimitOptions.Section}:MaxRequestBodyBytes must be positive.").ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddOptions<ApiKeyCacheOptions>()
            .BindConfiguration(ApiKeyCacheOptions.Section)
            .Validate(o => o.KnownKeyLifetime > TimeSpan.Zero && o.KnownKeyLifetime <= ApiKeyCacheOptions.MaxKnownKeyLifetime
                           && o.UnknownKeyLifetime > TimeSpan.Zero && o.UnknownKeyLifetime <= ApiKeyCacheOptions.MaxKnownKeyLifetime,
                $"{ApiKeyCacheOptions.Section} lifetimes must be positive and at most {ApiKeyCacheOptions.MaxKnownKeyLifetime.TotalSeconds} s (revocation must take effect within it).")
            .ValidateOnStart();
        builder.AddRedisClient();
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => o.IsValid, $"{RateLimitOptions.Section}: RequestsPerMinute, RedisTimeoutMilliseconds, MaxLeaseSize and LeaseLifetimeMilliseconds are positive; LeaseShare is in (0, 1].")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<TenantRateLimiter>();
        builder.Services.AddHttpClient(ApiKeyResolver.PromptClient, client => client.BaseAddress = new Uri($"http://{ResourceNames.Prompt}"))
            .AddServiceCredential();
        builder.Services.AddSingleton<ApiKeyResolver>();
        builder.Services.AddHttpClient(PublicApiDocument.ClientName).AddServiceCredential();
        builder.Services.AddSingleton<ServiceAssertionTransform>();
        builder.Services.AddSingleton<PublicApiDocument>();
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = "v1",
                    ClusterId = ResourceNames.Prompt,
                    Match = new RouteMatch { Path = "/v1/{**rest}" },
                },
                // Spending lives in dispatch's cost ledger; the literal path outranks the catch-all above.
                new RouteConfig
                {
                    RouteId = "v1-usage",
                    ClusterId = ResourceNames.Dispatch,
                    Match = new RouteMatch { Path = "/v1/usage" },
                },
                // Estimates price shots from dispatch's capability catalogue.
                new RouteConfig
                {
                    RouteId = "v1-estimates",
                    ClusterId = ResourceNames.Dispatch,
                    Match = new RouteMatch { Path = "/v1/estimates" },
                },
                // The admin API authenticates its own key in prompt; tenant keys are never accepted there.
                new RouteConfig
                {
                    RouteId = AdminRouteId,
                    ClusterId = ResourceNames.Prompt,
                    Match = new RouteMatch { Path = "/admin/{**rest}" },
                },
                // Signed, expiring artifact URLs for vendors that fetch inputs: prompt checks the signature, no API key.
                new RouteConfig
                {
                    RouteId = "artifacts",
                    ClusterId = ResourceNames.Prompt,
                    Match = new RouteMatch { Path = $"{ArtifactUrls.RoutePrefix}/{{hash}}", Methods = ["GET", "HEAD"] },
                },
                // The MCP server (Streamable HTTP) checks the caller's key with this gateway and calls /v1 with it.
                new RouteConfig
                {
                    RouteId = McpRouteId,
                    ClusterId = ResourceNames.Mcp,
                    Match = new RouteMatch { Path = "/mcp/{**rest}" },
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
                new ClusterConfig
                {
                    ClusterId = ResourceNames.Dispatch,
                    Destinations = new Dictionary<string, DestinationConfig>
                    {
                        [ResourceNames.Dispatch] = new() { Address = dispatch.ToString() },
                    },
                },
                new ClusterConfig
                {
                    ClusterId = ResourceNames.Mcp,
                    Destinations = new Dictionary<string, DestinationConfig>
                    {
                        [ResourceNames.Mcp] = new() { Address = mcp.ToString() },
                    },
                    // render_film answers when the film is made; its progress notifications keep the stream busy meanwhile.
                    HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(10) },
                },
            ])
            // Tenant keys stay at the edge: services learn the tenant from the signed assertion only. The MCP server is
            // the exception by design: it is a client of this API and calls it back with the caller's own key.
            .AddTransforms(transforms =>
            {
                if (transforms.Route.RouteId is not (AdminRouteId or McpRouteId)) transforms.AddRequestHeaderRemove("Authorization");
                transforms.RequestTransforms.Add(transforms.Services.GetRequiredService<ServiceAssertionTransform>());
            });
        return builder;
    }
}
