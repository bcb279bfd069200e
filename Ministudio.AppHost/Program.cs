using Ministudio.AppHost;
using Ministudio.AppHost.Hosting;
using Ministudio.ServiceDefaults;

LauncherArguments arguments;
try
{
    arguments = LauncherArguments.Parse(args);
}
catch (ArgumentException invalid)
{
    Console.Error.WriteLine(invalid.Message);
    Console.Error.WriteLine(LauncherArguments.Usage);
    return 2;
}
if (arguments.ShowHelp)
{
    Console.WriteLine(LauncherArguments.Usage);
    return 0;
}

var builder = DistributedApplication.CreateBuilder(arguments.ConfigurationArguments);
var developmentKey = DevelopmentApiKey.LoadOrCreate(builder.RepositoryRoot);
MinistudioModel.Define(builder, new MinistudioOptions
{
    ArtifactsRoot = Path.Combine(builder.RepositoryRoot, ".ministudio", "artifacts"),
    DevelopmentApiKey = developmentKey,
    AdminApiKey = builder.Configuration["Admin:ApiKey"],
    GatewayPort = arguments.GatewayPort,
});

using var shutdown = ShutdownSignal.Register();
await using var app = builder.Build();
try
{
    await app.StartAsync(shutdown.Token);
}
catch (DistributedApplicationException failure)
{
    Console.Error.WriteLine($"Ministudio did not start: {failure.Message}");
    return 1;
}
catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
{
    return 130;
}

var gateway = app.GetEndpoint(ResourceNames.Gateway);
Console.WriteLine($"Gateway:                 {gateway}");
Console.WriteLine($"Development API key:     {developmentKey}  (in {DevelopmentApiKey.FilePath(builder.RepositoryRoot)})");

if (arguments.FilmPath is not null)
{
    string? video = null;
    try
    {
        video = await new FilmRun(gateway, developmentKey, Console.Out).RunAsync(arguments.FilmPath, arguments.OutputDirectory, shutdown.Token);
    }
    catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
    {
        return 130;
    }
    catch (Exception failure) when (failure is HttpRequestException or IOException or System.Text.Json.JsonException)
    {
        Console.Error.WriteLine($"The film run failed: {failure.Message}");
    }
    if (arguments.ExitWhenDone) return video is null ? 1 : 0;
}
else if (arguments.ExitWhenDone)
{
    return 0;
}

Console.WriteLine("Running; press Ctrl+C to stop everything.");
await shutdown.WaitAsync();
return 0;
