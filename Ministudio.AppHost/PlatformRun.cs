using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Ministudio.Cli;

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
            // The film is rendered by the ministudio CLI itself (the same code as `ministudio film render`): the
            // launcher shows what a user runs, with its per-shot progress, rather than a loop of its own.
            var target = Path.Combine(launch.OutputDirectory, $"{Slug(TitleOf(launch.FilmPath))}.mp4");
            Directory.CreateDirectory(launch.OutputDirectory);
            var exit = await MinistudioCli.RunAsync(
                ["film", "render", launch.FilmPath, "--out", target, "--url", gateway.ToString(), "--api-key", settings.DevelopmentApiKey!],
                Console.Out, Console.Error, Environment.GetEnvironmentVariable, lifetime.ApplicationStopping);
            if (lifetime.ApplicationStopping.IsCancellationRequested) return;
            succeeded = exit == ExitCodes.Ok;
            if (!succeeded) Console.Error.WriteLine($"The film run failed (ministudio exit code {exit}).");
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

    private static string TitleOf(string filmPath)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(filmPath))?["title"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(filmPath);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return Path.GetFileNameWithoutExtension(filmPath); // the CLI reports the file's own problem
        }
    }

    /// <summary>"the-lighthouse-keepers" from "The Lighthouse Keepers": safe as a file name everywhere.</summary>
    public static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var character in title.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(character)) slug.Append(character);
            else if (CharUnicodeInfo.GetUnicodeCategory(character) != UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        var result = slug.ToString().Trim('-');
        return result.Length > 0 ? result : "film";
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
