using Ministudio.Gateway.Authentication;
using Ministudio.Gateway.Documentation;
using Ministudio.Gateway.Extensions;
using Ministudio.Gateway.Forwarding;
using Ministudio.Gateway.RateLimiting;
using Ministudio.Gateway.Studio;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseStudio();
app.MapApiDocs();
app.UseMiddleware<ApiKeyMiddleware>();
app.UseMiddleware<RateLimitMiddleware>();
app.UseMiddleware<ForwardingProblems>();
app.MapReverseProxy();

app.Run();

/// <summary>Entry point, visible to WebApplicationFactory in tests.</summary>
public partial class Program;
