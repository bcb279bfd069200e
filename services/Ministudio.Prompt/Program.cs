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
app.UseMiddleware<RequestSizeLimit>();
app.MapFilmsApi();
app.MapJobsApi();
app.MapLibraryApi();
app.MapArtifactsApi();
app.MapKeysApi();
app.MapAdminApi();
app.MapWebhooksApi();
app.MapBatchesApi();
app.MapTimelinesApi();

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
