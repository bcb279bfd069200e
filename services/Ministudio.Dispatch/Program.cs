using Ministudio.Dispatch.Apis;
using Ministudio.Dispatch.Extensions;
using Ministudio.Platform;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseMiddleware<RequestSizeLimit>();
app.MapApiDocument();
app.MapUsageApi();
app.MapEstimatesApi();

app.Run();
