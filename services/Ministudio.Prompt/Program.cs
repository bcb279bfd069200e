using Ministudio.Platform;
using Ministudio.Prompt.Apis;
using Ministudio.Prompt.Extensions;
using Ministudio.Prompt.Tenants;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
// The Kubernetes bootstrap Job: schema, first tenant and key, then exit.
if (args is [FirstTenantBootstrap.Command, ..]) return await FirstTenantBootstrap.RunAsync(app.Services, Console.Out, CancellationToken.None);

app.MapDefaultEndpoints();
app.MapApiDocument();
app.UseMiddleware<RequestSizeLimit>();
app.MapKeysApi();
app.MapProviderSecretsApi();
app.MapAdminApi();
app.MapSignedArtifactsApi();

// Every tenant route, behind one tenant check.
var v1 = app.MapGroup("/v1").AddEndpointFilter<TenantFilter>();
v1.MapFilmsApi();
v1.MapProvidersApi();
v1.MapFilmOptionsApi();
v1.MapJobsApi();
v1.MapLibraryApi();
v1.MapArtifactsApi();
v1.MapWebhooksApi();
v1.MapBatchesApi();
v1.MapTimelinesApi();

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
