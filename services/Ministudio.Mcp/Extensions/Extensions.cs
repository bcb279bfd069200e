using Ministudio.Mcp.Authentication;
using Ministudio.Mcp.Tools;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Mcp.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        // Behind the gateway like every service: a direct call without its signed assertion is refused.
        builder.AddServiceTrust(ResourceNames.Mcp);
        var gateway = builder.Configuration.GetRequiredServiceEndpoint(ResourceNames.Gateway);
        builder.Services.AddHttpContextAccessor();
        // The client retries 429s itself and job events stream for minutes: no standard timeout or retry on top.
        builder.Services.AddHttpClient(GatewayApi.ClientName, client =>
            {
                client.BaseAddress = gateway;
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .WithoutStandardResilience();
        builder.Services.AddScoped<GatewayApi>();
        builder.Services.AddSingleton<ApiSchemas>();
        builder.Services.AddMcpServer()
            // Stateless: every request stands alone (its own key check, any replica can answer it); progress still
            // streams on the response of the call it belongs to.
            .WithHttpTransport(transport => transport.Stateless = true)
            .WithTools<StudioTools>()
            .WithTools<JobTools>()
            .WithResources<JobResources>()
            .WithRequestFilters(filters => filters.AddListToolsFilter(ApiSchemas.ListToolsFilter));
        return builder;
    }
}
