using Ministudio.Mcp.Authentication;
using Ministudio.Mcp.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMiddleware<CallerKeyMiddleware>();
app.MapMcp(McpServerPaths.Endpoint);

app.Run();
