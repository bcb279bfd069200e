using Microsoft.Playwright;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests.Studio;

/// <summary>
/// Headless Chromium for the studio's browser tests: Debian's /usr/bin/chromium (scripts/infra.sh installs it),
/// driven by Playwright for .NET. Every request, console line and download of a page is kept so tests can check
/// that the key never leaks.
/// </summary>
public sealed class StudioBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;

    public IBrowser Browser { get; }

    private StudioBrowser(IPlaywright playwright, IBrowser browser) => (_playwright, Browser) = (playwright, browser);

    public static async Task<StudioBrowser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("STUDIO_CHROMIUM") ?? ChromiumPath;
        Assert.True(File.Exists(executable), $"{executable} is missing: scripts/infra.sh installs Debian's chromium package.");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // CI runs as root, where Chromium's sandbox cannot start.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        return new StudioBrowser(playwright, browser);
    }

    public async Task<StudioPage> OpenAsync(Uri gateway, int width = 1280, int height = 900)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = gateway.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var studio = new StudioPage(context, page);
        page.Request += (_, request) => studio.RequestUrls.Add(request.Url);
        page.Console += (_, message) => studio.ConsoleLines.Add(message.Text);
        page.PageError += (_, error) => studio.PageErrors.Add(error);
        return studio;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }

    /// <summary>Runs a browser scenario; when it fails, the page's picture and DOM are kept beside the test output.</summary>
    public static async Task RecordingFailuresAsync(IPage page, string name, Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch (Exception failure)
        {
            var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(output);
            try
            {
                await File.WriteAllTextAsync(Path.Combine(output, $"{name}-failure.html"), await page.ContentAsync());
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(output, $"{name}-failure.png"), FullPage = true });
            }
            catch (PlaywrightException recording)
            {
                // A page too stuck to be pictured must not hide why the scenario failed.
                throw new AggregateException($"{name} failed, and recording the page failed too: {recording.Message}", failure);
            }
            throw;
        }
    }

    /// <summary>Where screenshots go: the test output, and docs/images when UPDATE_SCREENSHOTS=1 (review the PNGs).</summary>
    public static async Task ScreenshotAsync(IPage page, string name, ILocator? element = null)
    {
        var bytes = element is null
            ? await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = false, Type = ScreenshotType.Png })
            : await element.ScreenshotAsync(new LocatorScreenshotOptions { Type = ScreenshotType.Png });
        var output = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(output);
        await File.WriteAllBytesAsync(Path.Combine(output, $"{name}.png"), bytes);
        if (Environment.GetEnvironmentVariable("UPDATE_SCREENSHOTS") == "1")
            await File.WriteAllBytesAsync(Path.Combine(Repository.Root, "docs", "images", $"{name}.png"), bytes);
    }
}

public sealed record StudioPage(IBrowserContext Context, IPage Page)
{
    public List<string> RequestUrls { get; } = [];
    public List<string> ConsoleLines { get; } = [];
    public List<string> PageErrors { get; } = [];

    public async Task SignInAsync(string key)
    {
        await Page.GotoAsync("/studio/");
        await Page.GetByLabel("API key").FillAsync(key);
        // The keyboard way: Enter submits the sign-in form.
        await Page.GetByLabel("API key").PressAsync("Enter");
    }
}
