namespace Ministudio.EndToEnd.Tests.Studio;

/// <summary>
/// The studio in Firefox (Debian's firefox-esr over WebDriver BiDi). The Chromium tests cover every view; this one
/// walks the main path once more in the other engine: sign in, write a film, preview its compile, render it, watch
/// the bars reach 100 % and play the film, with no script error, no policy violation and the key kept out of sight.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class StudioFirefoxTests(PlatformFixture platform) : IAsyncLifetime
{
    private FirefoxBrowser _firefox = null!;

    public async ValueTask InitializeAsync() => _firefox = await FirefoxBrowser.LaunchAsync();

    public ValueTask DisposeAsync() => _firefox.DisposeAsync();

    [Fact]
    public async Task A_creator_signs_in_previews_renders_and_plays_a_film_in_Firefox()
    {
        var firefox = _firefox;
        var key = platform.DevelopmentKey;
        var studio = new Uri(platform.GatewayUrl, "/studio/").ToString();

        await firefox.NavigateAsync(studio);
        Assert.Contains("Firefox/", (await firefox.EvaluateAsync("navigator.userAgent"))!.GetValue<string>());
        await firefox.WaitUntilAsync("document.getElementById('api-key')");
        await firefox.FillAsync("#api-key", key);
        // The sign-in form submits as Enter would.
        await firefox.EvaluateAsync("(() => { document.getElementById('api-key').form.requestSubmit(); return true; })()");
        await firefox.WaitUntilAsync("!document.getElementById('nav').hidden");

        // A one-shot film in the form, then its compile preview: the prompt and the estimate, nothing spent.
        await firefox.EvaluateAsync("(() => { location.hash = '#/film'; return true; })()");
        await firefox.WaitUntilAsync("document.querySelector(\"textarea[name='shot-0-action']\")");
        await firefox.FillAsync("input[name='title']", "Firefox pier");
        await firefox.FillAsync("textarea[name='shot-0-action']", "A lighthouse keeper walks along the pier at dawn");
        await firefox.WaitUntilAsync("document.getElementById('film-json').value.includes('Firefox pier')");
        await firefox.ClickAsync("#compile");
        await firefox.WaitUntilAsync("document.getElementById('estimate-total')?.textContent === '$0.00'");
        Assert.Contains("lighthouse keeper", (await firefox.EvaluateAsync("document.getElementById('preview').textContent"))!.GetValue<string>());

        // Render: the job page's bars reach 100 % and the job succeeds.
        await firefox.ClickAsync("#render");
        await firefox.WaitUntilAsync("/#\\/jobs\\/[0-9a-f-]{36}$/.test(location.href)", TimeSpan.FromSeconds(60));
        await firefox.WaitUntilAsync("document.querySelector('.job-summary .status')?.textContent === 'succeeded'", TimeSpan.FromMinutes(4));
        var bars = (await firefox.EvaluateAsync("[...document.querySelectorAll('progress.shot-progress')].map(b => b.value)"))!.AsArray();
        Assert.NotEmpty(bars);
        Assert.All(bars, value => Assert.Equal(1.0, value!.GetValue<double>()));

        // The player: Firefox decodes the H.264 film and reports its duration.
        await firefox.WaitUntilAsync("document.getElementById('film-player')?.readyState >= 1", TimeSpan.FromSeconds(60));
        Assert.InRange((await firefox.EvaluateAsync("document.getElementById('film-player').duration"))!.GetValue<double>(), 1.0, 10.0);

        // The key stays in this tab's session storage: never in the URL or local storage; no script error on the way.
        Assert.DoesNotContain(key, (await firefox.EvaluateAsync("location.href"))!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await firefox.EvaluateAsync("localStorage.length"))!.GetValue<int>());
        Assert.Empty(firefox.Errors);
    }
}
