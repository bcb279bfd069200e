using Ministudio.Prompt.Apis;
using Ministudio.Prompt.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

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

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
