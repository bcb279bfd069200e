using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Ministudio.Platform;
using static Microsoft.Playwright.Assertions;

namespace Ministudio.EndToEnd.Tests.Studio;

/// <summary>The web studio in real headless Chromium, against the whole platform, as a creator would use it.</summary>
[Collection(PlatformCollection.Name)]
public sealed class StudioTests(PlatformFixture platform) : IAsyncLifetime
{
    private StudioBrowser _browser = null!;

    public async ValueTask InitializeAsync() => _browser = await StudioBrowser.LaunchAsync();

    public ValueTask DisposeAsync() => _browser.DisposeAsync();

    [Fact]
    public async Task A_creator_signs_in_makes_a_character_composes_previews_renders_and_plays_a_two_shot_film()
    {
        var studio = await _browser.OpenAsync(platform.GatewayUrl);
        var page = studio.Page;
        var key = platform.DevelopmentKey;

        await StudioBrowser.RecordingFailuresAsync(page, "studio-film", async () =>
        {
            var shell = await page.GotoAsync("/studio/");
            Assert.Equal(200, shell!.Status);
            var csp = await shell.HeaderValueAsync("content-security-policy");
            Assert.Contains("script-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.Equal("no-cache", await shell.HeaderValueAsync("cache-control"));

            await studio.SignInAsync(key);
            var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Studio" });
            await Expect(nav).ToBeVisibleAsync();

            // Library: a character with a reference image.
            var name = $"Mira {Guid.NewGuid().ToString("N")[..6]}";
            await nav.GetByRole(AriaRole.Link, new() { Name = "Library" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "New character" }).ClickAsync();
            await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
            await page.GetByLabel("Hair", new() { Exact = true }).FillAsync("short silver bob");
            await page.GetByLabel("Eyes", new() { Exact = true }).FillAsync("green");
            await page.GetByLabel("Clothing", new() { Exact = true }).FillAsync("yellow raincoat");
            await page.GetByLabel("Upload a reference image").SetInputFilesAsync(await PortraitAsync());
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = "Reference image of image 1" })).ToBeVisibleAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Create character" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Img, new() { Name = $"Reference image of {name}" })).ToBeVisibleAsync();
            var stored = await platform.GatewayClient(key).GetFromJsonAsync<JsonArray>("/v1/characters", TestContext.Current.CancellationToken);
            Assert.Contains(stored!, c => c!["name"]!.GetValue<string>() == name && c["item"]!["referenceImages"]!.AsArray().Count == 1);

            // Film editor: two shots in the form, the JSON view following.
            await page.GetByRole(AriaRole.Button, new() { Name = $"Use {name} in the film" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = name })).ToBeCheckedAsync();
            await page.GetByLabel("Title").FillAsync("Studio pier");
            await page.GetByLabel("Style").SelectOptionAsync("watercolor");
            // The form's choices and limits are the API's catalogue (/v1/film-options), not copies kept in the studio.
            var options = (await platform.GatewayClient(key).GetFromJsonAsync<JsonObject>("/v1/film-options", TestContext.Current.CancellationToken))!;
            var cameraMoves = options["cameraMoves"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
            Assert.Contains("rack-focus", cameraMoves);
            Assert.Equal(cameraMoves, await page.Locator("select[name='shot-0-camera'] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
            Assert.Equal(options["shotTypes"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray(),
                await page.Locator("select[name='shot-0-type'] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
            Assert.Equal(options["aspectRatios"]!.AsArray().Select(t => t!.GetValue<string>()).ToArray(),
                await page.Locator("select[name='aspectRatio'] option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)"));
            await Expect(page.GetByLabel("Seconds").First).ToHaveAttributeAsync("max", options["limits"]!["maxShotSeconds"]!.ToString());
            await page.GetByLabel("Action of shot 1").FillAsync($"{name} walks along the pier at dawn");
            // A narrated line: the film is voiced and captioned, so the job delivers captions beside the film.
            await page.Locator("input[name='shot-0-narration']").FillAsync("She walks to the light.");
            await page.GetByLabel("Seconds").First.FillAsync("2");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a shot to scene 1" }).ClickAsync();
            await page.GetByLabel("Action of shot 2").FillAsync($"{name} waves at the lighthouse");
            var secondSeconds = page.Locator("[data-field='shots[1].durationSeconds'] input");
            await secondSeconds.FillAsync("130");
            await Expect(page.Locator("#film-json")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"title\": \"Studio pier\""));

            // The API's own validation: the error stands next to the field it names.
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview compile" }).ClickAsync();
            await Expect(page.Locator("[data-field='shots[1].durationSeconds'] .field-error")).ToContainTextAsync("film.shot_duration_out_of_range");
            await Expect(secondSeconds).ToHaveAttributeAsync("aria-invalid", "true");
            await page.Locator("[data-field='shots[1]']").EvaluateAsync("shot => shot.scrollIntoView({ block: 'center' })");
            await StudioBrowser.ScreenshotAsync(page, "studio-editor");
            await secondSeconds.FillAsync("2");

            // Compile preview: per-shot prompts and the estimate, nothing spent and no job made.
            var jobsBefore = await platform.JobCountAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Preview compile" }).ClickAsync();
            var preview = page.Locator("#preview");
            await Expect(preview.GetByRole(AriaRole.Heading, new() { Name = "Shot 2" })).ToBeVisibleAsync();
            await Expect(preview.GetByLabel("Prompt of shot 1")).ToContainTextAsync("short silver bob");
            await Expect(page.Locator("#estimate-total")).ToHaveTextAsync("$0.00");
            await Expect(preview.Locator(".chip.cost")).ToHaveCountAsync(2);
            await preview.ScrollIntoViewIfNeededAsync();
            await StudioBrowser.ScreenshotAsync(page, "studio-compile-preview", preview);
            Assert.Equal(jobsBefore, await platform.JobCountAsync());

            // Render: one live bar per shot reaches 100 %.
            await page.GetByRole(AriaRole.Button, new() { Name = "Render" }).ClickAsync();
            // The studio routes by hash: poll the URL rather than wait for a page load that a hash change never fires.
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("#/jobs/[0-9a-f-]{36}$"), new() { Timeout = 60_000 });
            var jobId = page.Url[(page.Url.LastIndexOf('/') + 1)..];
            var bars = page.Locator("progress.shot-progress");
            await Expect(bars).ToHaveCountAsync(2);
            var seen = new List<double>();
            var timer = Stopwatch.StartNew();
            while (timer.Elapsed < TimeSpan.FromMinutes(4))
            {
                var values = await bars.EvaluateAllAsync<double[]>("bars => bars.map(b => b.value)");
                seen.AddRange(values);
                if (values.All(v => v >= 1) && await page.Locator(".job-summary .status").InnerTextAsync() == "succeeded") break;
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }
            Assert.All(await bars.EvaluateAllAsync<double[]>("bars => bars.map(b => b.value)"), v => Assert.Equal(1.0, v));
            await Expect(page.Locator("[data-shot] .percent")).ToHaveTextAsync(["100 %", "100 %"]);
            await Expect(page.Locator(".job-summary .status")).ToHaveTextAsync("succeeded");
            Assert.Contains(seen, v => v is > 0 and < 1);

            // The player: the <video> reports the film's duration.
            var video = page.Locator("#film-player");
            await Expect(video).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => document.getElementById('film-player').readyState >= 1", null, new() { Timeout = 60_000 });
            var duration = await video.EvaluateAsync<double>("v => v.duration");
            Assert.InRange(duration, 3.0, 4.5);
            await StudioBrowser.ScreenshotAsync(page, "studio-finished-job", page.Locator("main"));

            // The player carries the job's poster and its captions track; the film and the captions download.
            await Expect(video).ToHaveAttributeAsync("poster", new System.Text.RegularExpressions.Regex("^blob:"));
            await Expect(video.Locator("track[kind='captions']")).ToHaveCountAsync(1);
            var film = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download Film (MP4)" }).ClickAsync());
            var filmBytes = await File.ReadAllBytesAsync((await film.PathAsync())!, TestContext.Current.CancellationToken);
            Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(filmBytes, 4, 4));
            var captions = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Download Captions (WebVTT)" }).ClickAsync());
            Assert.Equal($"{jobId}-captions.vtt", captions.SuggestedFilename);
            var webVtt = await File.ReadAllTextAsync((await captions.PathAsync())!, TestContext.Current.CancellationToken);
            Assert.StartsWith("WEBVTT", webVtt);
            // The line, as cues: long lines are split between cues, so compare the cue texts joined.
            var cueText = string.Join(' ', webVtt.Split('\n').Where(line => line.Length > 0 && line != "WEBVTT" && !line.Contains("-->")));
            Assert.Contains("She walks to the light", cueText);
            // Every file the job lists is offered, under the studio's label for it.
            var job = await platform.GatewayClient(key).GetFromJsonAsync<JsonObject>($"/v1/jobs/{jobId}", TestContext.Current.CancellationToken);
            var listed = job!["deliverables"]!.AsArray().Select(d => d!["name"]!.GetValue<string>()).ToArray();
            Assert.Contains("captions.vtt", listed);
            Assert.Equal(listed, await page.Locator("ul.downloads button").EvaluateAllAsync<string[]>("bs => bs.map(b => b.dataset.name)"));

            // The jobs list shows it finished.
            await nav.GetByRole(AriaRole.Link, new() { Name = "Jobs" }).ClickAsync();
            var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Studio pier" }).First;
            await Expect(row).ToContainTextAsync("succeeded");
            await Expect(row.GetByRole(AriaRole.Cell).Nth(1)).ToContainTextAsync("100 %");

            // A phone: nothing wider than the screen.
            await page.SetViewportSizeAsync(390, 844);
            foreach (var view in new[] { "#/film", $"#/jobs/{jobId}", "#/library", "#/usage", "#/batches" })
            {
                await page.GotoAsync($"/studio/{view}");
                await Expect(page.Locator("main h1")).ToBeVisibleAsync();
                Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{view} is wider than a phone");
                if (view == "#/film") await StudioBrowser.ScreenshotAsync(page, "studio-phone");
            }

            // The key went only into the Authorization header and this tab's sessionStorage.
            Assert.DoesNotContain(studio.RequestUrls, url => url.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(studio.ConsoleLines, line => line.Contains(key, StringComparison.Ordinal));
            Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
            Assert.Empty(await studio.Context.CookiesAsync());
            Assert.Empty(studio.PageErrors);
            Assert.DoesNotContain(studio.RequestUrls, url => !url.StartsWith(platform.GatewayUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !url.StartsWith("blob:", StringComparison.Ordinal));
        });
        await studio.Context.CloseAsync();
    }

    [Fact]
    public async Task A_wrong_key_shows_an_error_and_no_data()
    {
        var studio = await _browser.OpenAsync(platform.GatewayUrl);
        var page = studio.Page;
        var wrong = Ministudio.Platform.ApiKeys.Generate(Ministudio.Platform.ApiKeys.Test);

        await studio.SignInAsync(wrong);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The API key is not valid.");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Studio" })).ToBeHiddenAsync();
        // The keyboard way on: the key field keeps focus for another try, Tab reaches the button.
        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeFocusedAsync();
        await Expect(page.Locator("main table, main .tiles, main #film-json")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('ministudio.apiKey')"));

        // Going straight to a view still asks for a key and shows nothing of anyone's.
        await page.GotoAsync("/studio/#/jobs");
        await Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        await Expect(page.Locator("main table")).ToHaveCountAsync(0);
        Assert.DoesNotContain(studio.RequestUrls, url => url.Contains(wrong, StringComparison.Ordinal));
        await studio.Context.CloseAsync();
    }

    [Fact]
    public async Task The_studio_is_served_without_a_key_and_an_unknown_asset_is_a_404()
    {
        using var client = platform.GatewayClient(apiKey: null);
        var script = await client.GetAsync("/studio/js/app.js", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", script.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/studio/js/nothing.js", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1/jobs", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>A small PNG made by ffmpeg (a test pattern), as a user's portrait upload.</summary>
    private static async Task<string> PortraitAsync()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("studio-portrait").FullName, "portrait.png");
        using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc2=s=96x96", "-frames:v", "1", "-y", path]))!;
        await ffmpeg.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, ffmpeg.ExitCode);
        return path;
    }
}
