using Ministudio.Prompt.Apis;
using Ministudio.Prompt.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMiddleware<RequestSizeLimit>();
app.MapKeysApi();
app.MapAdminApi();

// Every tenant route, behind one tenant check.
var v1 = app.MapGroup("/v1").AddEndpointFilter<TenantFilter>();
v1.MapFilmsApi();
v1.MapJobsApi();
v1.MapLibraryApi();
v1.MapArtifactsApi();
v1.MapWebhooksApi();
v1.MapBatchesApi();
v1.MapTimelinesApi();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
