using System.Diagnostics;
using System.Text.Json.Nodes;
using Ministudio.TestSupport;
using WebDriverBiDi;
using WebDriverBiDi.BrowsingContext;
using WebDriverBiDi.Log;
using WebDriverBiDi.Script;
using WebDriverBiDi.Session;

namespace Ministudio.EndToEnd.Tests.Studio;

/// <summary>
/// Headless Firefox for the studio: Debian's firefox-esr (scripts/infra.sh installs it), driven over WebDriver BiDi,
/// which Firefox serves itself (no geckodriver; Playwright would need its own patched Firefox, which is not reachable
/// here). One tab; scripts run in the page and return JSON; every console error and uncaught exception is kept.
/// </summary>
public sealed class FirefoxBrowser : IAsyncDisposable
{
    public const string FirefoxPath = "/usr/bin/firefox-esr";

    private readonly Process _process;
    private readonly BiDiDriver _driver;
    private readonly string _profile;
    private readonly string _context;

    /// <summary>Console errors and uncaught exceptions of the page (a Content-Security-Policy violation is one).</summary>
    public List<string> Errors { get; } = [];

    private FirefoxBrowser(Process process, BiDiDriver driver, string profile, string context) =>
        (_process, _driver, _profile, _context) = (process, driver, profile, context);

    public static async Task<FirefoxBrowser> LaunchAsync(int width = 1280, int height = 900)
    {
        var executable = Environment.GetEnvironmentVariable("STUDIO_FIREFOX") ?? FirefoxPath;
        Assert.True(File.Exists(executable), $"{executable} is missing: scripts/infra.sh installs Debian's firefox-esr package.");
        var profile = Directory.CreateTempSubdirectory("studio-firefox").FullName;
        // A quiet profile: no first-run pages, no telemetry, no update checks.
        await File.WriteAllLinesAsync(Path.Combine(profile, "user.js"),
        [
            """user_pref("browser.shell.checkDefaultBrowser", false);""",
            """user_pref("browser.startup.homepage_override.mstone", "ignore");""",
            """user_pref("datareporting.policy.dataSubmissionEnabled", false);""",
            """user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);""",
            """user_pref("app.update.disabledForTesting", true);""",
        ]);
        var port = FreePort.Next();
        var start = new ProcessStartInfo(executable,
            ["--headless", "--no-remote", "--profile", profile, $"--remote-debugging-port={port}", $"--width={width}", $"--height={height}", "about:blank"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["MOZ_HEADLESS"] = "1";
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        void Read(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (output) output.Add(e.Data);
            const string marker = "WebDriver BiDi listening on ";
            var at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) listening.TrySetResult(e.Data[(at + marker.Length)..].Trim());
        }
        process.ErrorDataReceived += Read;
        process.OutputDataReceived += Read;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var ready = await Task.WhenAny(listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (ready != listening.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            lock (output) Assert.Fail($"Firefox did not start WebDriver BiDi:\n{string.Join('\n', output.TakeLast(20))}");
        }

        var driver = new BiDiDriver(TimeSpan.FromSeconds(60));
        await driver.StartAsync($"{listening.Task.Result}/session");
        await driver.Session.NewSessionAsync(new NewCommandParameters());
        var tree = await driver.BrowsingContext.GetTreeAsync(new GetTreeCommandParameters());
        var browser = new FirefoxBrowser(process, driver, profile, tree.ContextTree[0].BrowsingContextId);
        driver.Log.OnEntryAdded.AddObserver(entry =>
        {
            if (entry.Level == LogLevel.Error) lock (browser.Errors) browser.Errors.Add(entry.Text ?? "(an error without text)");
        });
        await driver.Session.SubscribeAsync(new SubscribeCommandParameters("log.entryAdded"));
        return browser;
    }

    public async Task NavigateAsync(string url) =>
        await _driver.BrowsingContext.NavigateAsync(new NavigateCommandParameters(_context, url) { Wait = ReadinessState.Complete });

    /// <summary>The value of a script expression (awaited when it is a promise), as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await _driver.Script.EvaluateAsync(new EvaluateCommandParameters(
            $"(async () => JSON.stringify(await ({expression})))()", new ContextTarget(_context), true));
        if (result.TryAs<EvaluateResultException>(out var failure))
            Assert.Fail($"The page's script failed: {failure.ExceptionDetails.Text}\n{expression}");
        var json = result.As<EvaluateResultSuccess>().Result.TryAs<StringRemoteValue>(out var text) ? text.Value : null;
        return json is null ? null : JsonNode.Parse(json);
    }

    /// <summary>Waits until a script expression is true; fails with the expression and the page's text otherwise.</summary>
    public async Task WaitUntilAsync(string expression, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            if ((await EvaluateAsync($"!!({expression})"))?.GetValue<bool>() == true) return;
            await Task.Delay(150);
        }
        var text = await EvaluateAsync("document.body.innerText.slice(0, 2000)");
        Assert.Fail($"Not true after {clock.Elapsed.TotalSeconds:0} s: {expression}\nThe page said: {text}");
    }

    /// <summary>Fills a form control as a user would: its value changes and an input event fires.</summary>
    public async Task FillAsync(string selector, string value) =>
        await EvaluateAsync($$"""
            (() => {
              const element = document.querySelector({{JsonValue.Create(selector).ToJsonString()}});
              if (!element) throw new Error('no element ' + {{JsonValue.Create(selector).ToJsonString()}});
              element.focus();
              element.value = {{JsonValue.Create(value).ToJsonString()}};
              element.dispatchEvent(new Event('input', { bubbles: true }));
              element.dispatchEvent(new Event('change', { bubbles: true }));
              return true;
            })()
            """);

    public async Task ClickAsync(string selector) =>
        await EvaluateAsync($"(() => {{ document.querySelector({JsonValue.Create(selector).ToJsonString()}).click(); return true; }})()");

    public async ValueTask DisposeAsync()
    {
        try { await _driver.StopAsync(); } catch (Exception ex) when (ex is WebDriverBiDiException or ObjectDisposedException or InvalidOperationException) { }
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { }
    }
}
