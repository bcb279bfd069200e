using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Ministudio.AppHost;

/// <summary>
/// What <c>scripts/run.sh</c> shows once the gateway is healthy: the URLs a person needs, and optionally one film
/// rendered through the gateway as a client would (<c>--film</c>), then a stop (<c>--exit</c>). It reacts to the
/// gateway's readiness rather than driving the start, so the same AppHost runs unchanged under Aspire.Hosting.Testing.
/// </summary>
public static class PlatformRun
{
    public static IResourceBuilder<ProjectResource> WithPlatformRun(
        this IResourceBuilder<ProjectResource> gateway, LauncherArguments launch, AppHostSettings settings)
    {
        gateway.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (ready, cancellationToken) =>
        {
            var lifetime = ready.Services.GetRequiredService<IHostApplicationLifetime>();
            var url = new Uri(gateway.Resource.GetEndpoint("http").Url);
            Console.WriteLine($"Gateway:              {url}");
            if (DashboardLoginUrl(ready.Services.GetRequiredService<IConfiguration>()) is { } dashboard)
                Console.WriteLine($"Dashboard:            {dashboard}");
            Console.WriteLine($"Development API key:  {settings.DevelopmentApiKey}  (in {DevelopmentApiKey.FilePath(settings.DataRoot)})");
            // The film runs beside the platform; the event must not wait for it.
            _ = Task.Run(() => RunAsync(url, launch, settings, lifetime));
            return Task.CompletedTask;
        });
        return gateway;
    }

    private static async Task RunAsync(Uri gateway, LauncherArguments launch, AppHostSettings settings, IHostApplicationLifetime lifetime)
    {
        var succeeded = true;
        if (launch.FilmPath is not null)
        {
            try
            {
                var video = await new FilmRun(gateway, settings.DevelopmentApiKey!, Console.Out)
                    .RunAsync(launch.FilmPath, launch.OutputDirectory, lifetime.ApplicationStopping);
                succeeded = video is not null;
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure) when (failure is HttpRequestException or IOException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"The film run failed: {failure.Message}");
                succeeded = false;
            }
        }
        if (launch.ExitWhenDone)
        {
            Environment.ExitCode = succeeded ? 0 : 1;
            lifetime.StopApplication();
        }
        else
        {
            Console.WriteLine("Running; press Ctrl+C to stop everything.");
        }
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
