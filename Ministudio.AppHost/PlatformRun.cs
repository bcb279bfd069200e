using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.ServiceDefaults;

namespace Ministudio.AppHost;

/// <summary>
/// What <c>scripts/run.sh</c> sees: the platform started, the URLs a person needs, and optionally one film rendered
/// through the gateway as a client would.
/// </summary>
public static class PlatformRun
{
    public static async Task<int> RunAsync(
        DistributedApplication app, IResourceBuilder<ProjectResource> gatewayResource, LauncherArguments launch, AppHostSettings settings)
    {
        var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        try
        {
            await app.StartAsync(stopping);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Gateway, stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return 130;
        }

        var gateway = new Uri(gatewayResource.Resource.GetEndpoint("http").Url);
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        Console.WriteLine($"Gateway:              {gateway}");
        if (DashboardLoginUrl(configuration) is { } dashboard) Console.WriteLine($"Dashboard:            {dashboard}");
        Console.WriteLine($"Development API key:  {settings.DevelopmentApiKey}  (in {DevelopmentApiKey.FilePath(settings.DataRoot)})");

        if (launch.FilmPath is not null)
        {
            string? video = null;
            try
            {
                video = await new FilmRun(gateway, settings.DevelopmentApiKey!, Console.Out).RunAsync(launch.FilmPath, launch.OutputDirectory, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return 130;
            }
            catch (Exception failure) when (failure is HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"The film run failed: {failure.Message}");
            }
            if (launch.ExitWhenDone)
            {
                await app.StopAsync();
                return video is null ? 1 : 0;
            }
        }
        else if (launch.ExitWhenDone)
        {
            await app.StopAsync();
            return 0;
        }

        Console.WriteLine("Running; press Ctrl+C to stop everything.");
        await app.WaitForShutdownAsync();
        return 0;
    }

    /// <summary>The dashboard's address with its one-time login token, when the dashboard runs.</summary>
    private static string? DashboardLoginUrl(IConfiguration configuration)
    {
        var urls = configuration["ASPNETCORE_URLS"];
        var token = configuration["AppHost:BrowserToken"];
        if (string.IsNullOrEmpty(urls) || string.IsNullOrEmpty(token)) return null;
        return $"{urls.Split(';')[0].TrimEnd('/')}/login?t={token}";
    }
}
