using Ministudio.Dispatch.Apis;
using Ministudio.Platform;
using Ministudio.Dispatch.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapApiDocument();
app.MapUsageApi();
app.MapEstimatesApi();

app.Run();
