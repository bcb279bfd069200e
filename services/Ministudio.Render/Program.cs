using Ministudio.Render.Apis;
using Ministudio.Render.Extensions;
using Ministudio.Render.Grpc;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRenderApi();
app.MapGrpcService<RendererService>();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
