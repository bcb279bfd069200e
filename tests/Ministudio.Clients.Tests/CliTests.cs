using System.Text.Json;
using Ministudio.Cli;
using Ministudio.TestSupport;

namespace Ministudio.Clients.Tests;

/// <summary><c>ministudio</c> run in-process against the real gateway: its output, its files and its exit codes.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CliTests(PlatformHosts platform) : IDisposable
{
    private static readonly string SampleFilm = Path.Combine(Repository.Root, "samples", "lighthouse.json");
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-cli-tests").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<(int Exit, string Output, string Error)> RunWithKeyAsync(string? key, params string[] args) =>
        RunWithEnvironmentAsync(new Dictionary<string, string?>
        {
            [CliSettings.UrlVariable] = platform.GatewayUrl.ToString(),
            [CliSettings.KeyVariable] = key,
        }, args);

    private async Task<(int Exit, string Output, string Error)> RunWithEnvironmentAsync(Dictionary<string, string?> environment, params string[] args)
    {
        // Never the user's own saved login.
        environment.TryAdd(CliSettings.ConfigVariable, Path.Combine(_folder, "no-login.json"));
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MinistudioCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunWithKeyAsync(PlatformHosts.TenantKey, args);

    [Fact]
    public async Task Timelines_render_composes_a_timeline_and_saves_the_film()
    {
        // A timeline needs a picture of the tenant's own: an uploaded image, shown under a title.
        var png = Path.Combine(_folder, "card.png");
        await File.WriteAllBytesAsync(png, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), TestContext.Current.CancellationToken);
        var upload = await RunAsync("images", "upload", png, "--json");
        Assert.True(upload.Exit == ExitCodes.Ok, upload.Error);
        var image = JsonDocument.Parse(upload.Output).RootElement.GetProperty("sha256").GetString();
        var timeline = Path.Combine(_folder, "timeline.json");
        await File.WriteAllTextAsync(timeline, $$"""
            {"output":{"aspect":"16:9"},"tracks":[{"clips":[{"type":"image","start":0,"length":2,"asset":"{{image}}"}]},
             {"clips":[{"type":"title","start":0,"length":2,"text":"Tides"}]}]}
            """, TestContext.Current.CancellationToken);
        var film = Path.Combine(_folder, "timeline.mp4");
        var (exit, output, error) = await RunAsync("timeline", "render", timeline, "--out", film);
        Assert.True(exit == ExitCodes.Ok, error + output);
        Assert.EndsWith($"succeeded: saved {film}", output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].TrimEnd());
        Assert.True(new FileInfo(film).Length > 0);

        var invalid = Path.Combine(_folder, "bad-timeline.json");
        await File.WriteAllTextAsync(invalid, """{"tracks":[]}""", TestContext.Current.CancellationToken);
        var refused = await RunAsync("timeline", "render", invalid);
        Assert.Equal(ExitCodes.Rejected, refused.Exit);
        Assert.Contains("timeline.", refused.Error);
    }

    [Fact]
    public async Task Films_submit_wait_follows_the_job_and_saves_the_film()
    {
        var film = Path.Combine(_folder, "film.mp4");
        var (exit, output, error) = await RunAsync("films", "submit", SampleFilm, "--wait", "--out", film);
        Assert.True(exit == ExitCodes.Ok, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("running", StringComparison.Ordinal));
        Assert.EndsWith($"succeeded: saved {film}", lines[^1].TrimEnd());
        Assert.Equal("h264", (await Media.ProbeAsync(film)).Codec);
    }

    [Fact]
    public async Task Json_output_is_for_scripts_and_jobs_show_list_and_download_work_on_the_job()
    {
        var (exit, output, error) = await RunAsync("films", "submit", SampleFilm, "--json");
        Assert.True(exit == ExitCodes.Ok, error);
        var id = JsonDocument.Parse(output).RootElement.GetProperty("id").GetGuid();

        var watched = await RunAsync("jobs", "watch", id.ToString(), "--json");
        Assert.Equal(ExitCodes.Ok, watched.Exit);
        Assert.Equal("succeeded", JsonDocument.Parse(watched.Output).RootElement.GetProperty("job").GetProperty("status").GetString());

        Assert.Contains(id.ToString(), (await RunAsync("jobs", "list")).Output);
        Assert.Contains("shot 0", (await RunAsync("jobs", "show", id.ToString())).Output);
        var path = Path.Combine(_folder, "downloaded.mp4");
        var download = await RunAsync("jobs", "download", id.ToString(), "-o", path, "--json");
        Assert.Equal(ExitCodes.Ok, download.Exit);
        Assert.Equal(path, JsonDocument.Parse(download.Output).RootElement.GetProperty("path").GetString());
        Assert.True(new FileInfo(path).Length > 0);

        var cancel = await RunAsync("jobs", "cancel", id.ToString());
        Assert.Equal((ExitCodes.Rejected, ""), (cancel.Exit, cancel.Output));
        Assert.StartsWith("ministudio: job.not_cancelable: The job has finished.", cancel.Error);
    }

    [Fact]
    public async Task Library_items_are_created_listed_and_deleted()
    {
        var file = Path.Combine(_folder, "theo.json");
        var name = $"Theo {Guid.NewGuid():N}";
        await File.WriteAllTextAsync(file, $$$"""{"name":"{{{name}}}","identity":{"hair":"curly black hair"}}""", TestContext.Current.CancellationToken);
        var created = await RunAsync("library", "create", "characters", file, "--json");
        Assert.True(created.Exit == ExitCodes.Ok, created.Error);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        Assert.Contains(name, (await RunAsync("library", "list", "characters")).Output);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("library", "delete", "characters", id)).Exit);
        var gone = await RunAsync("library", "delete", "characters", id);
        Assert.Equal(ExitCodes.NotFound, gone.Exit);
        Assert.StartsWith("ministudio: library.not_found", gone.Error);
    }

    [Fact]
    public async Task Bad_input_is_one_line_on_stderr_with_its_exit_code()
    {
        var missing = await RunAsync("films", "submit", Path.Combine(_folder, "nope.json"));
        Assert.Equal(ExitCodes.Usage, missing.Exit);
        Assert.Equal($"ministudio: {Path.Combine(_folder, "nope.json")}: no such file", missing.Error.Trim());

        var broken = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(broken, "{\n  \"title\": \"x\",\n  \"shots\": [ oops ]\n}", TestContext.Current.CancellationToken);
        var invalid = await RunAsync("films", "submit", broken);
        Assert.Equal(ExitCodes.Usage, invalid.Exit);
        Assert.StartsWith($"ministudio: {broken}:3:14: invalid JSON", invalid.Error);

        var flag = await RunAsync("jobs", "list", "--no-such-flag");
        Assert.Equal(ExitCodes.Usage, flag.Exit);
        Assert.Contains("--no-such-flag", flag.Error);

        var badKey = await RunWithKeyAsync("ms_test_not_a_real_key", "jobs", "list");
        Assert.Equal(ExitCodes.Auth, badKey.Exit);
        Assert.Equal("ministudio: auth.key_invalid: The API key is not valid.", badKey.Error.Trim());

        var noKey = await RunWithKeyAsync(null, "jobs", "list");
        Assert.Equal(ExitCodes.Usage, noKey.Exit);
        Assert.Contains(CliSettings.KeyVariable, noKey.Error);

        var unknown = await RunAsync("jobs", "show", Guid.NewGuid().ToString());
        Assert.Equal(ExitCodes.NotFound, unknown.Exit);

        var invalidFilm = Path.Combine(_folder, "empty-film.json");
        await File.WriteAllTextAsync(invalidFilm, """{"title":"x","shots":[]}""", TestContext.Current.CancellationToken);
        var rejected = await RunAsync("films", "submit", invalidFilm);
        Assert.Equal(ExitCodes.Rejected, rejected.Exit);
        Assert.Single(rejected.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", rejected.Error);
    }

    [Fact]
    public async Task Login_is_saved_for_the_user_alone_and_batch_images_and_admin_commands_answer_json()
    {
        var config = Path.Combine(_folder, "config", "ministudio.json");
        var saved = new Dictionary<string, string?> { [CliSettings.ConfigVariable] = config };

        var refused = await RunWithEnvironmentAsync(new(saved), "login", "--url", platform.GatewayUrl.ToString(), "--api-key", "ms_test_not_a_real_key");
        Assert.Equal(ExitCodes.Auth, refused.Exit);
        Assert.False(File.Exists(config));
        var login = await RunWithEnvironmentAsync(new(saved), "login", "--url", platform.GatewayUrl.ToString(), "--api-key", PlatformHosts.TenantKey, "--json");
        Assert.True(login.Exit == ExitCodes.Ok, login.Error);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));
        Assert.Equal(Path.GetFullPath(config), JsonDocument.Parse(login.Output).RootElement.GetProperty("config").GetString());

        // From here on, the saved login alone.
        var jobs = await RunWithEnvironmentAsync(new(saved), "jobs", "list", "--json");
        Assert.True(jobs.Exit == ExitCodes.Ok, jobs.Error);

        var png = Path.Combine(_folder, "dot.png");
        var pngBytes = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        await File.WriteAllBytesAsync(png, pngBytes, TestContext.Current.CancellationToken);
        var upload = await RunWithEnvironmentAsync(new(saved), "images", "upload", png, "--json");
        Assert.True(upload.Exit == ExitCodes.Ok, upload.Error);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pngBytes)), JsonDocument.Parse(upload.Output).RootElement.GetProperty("sha256").GetString());
        var missing = await RunWithEnvironmentAsync(new(saved), "images", "upload", Path.Combine(_folder, "nope.png"));
        Assert.Equal(ExitCodes.Usage, missing.Exit);
        Assert.Equal($"ministudio: {Path.Combine(_folder, "nope.png")}: no such file", missing.Error.Trim());

        var lines = Path.Combine(_folder, "films.jsonl");
        await File.WriteAllTextAsync(lines, """
            {"title":"Batch one","aspectRatio":"16:9","provider":"local","shots":[{"action":"A gull lands","durationSeconds":1}]}
            {"title":"Batch two","aspectRatio":"16:9","provider":"local","shots":[{"action":"A bell rings","durationSeconds":1}]}
            """, TestContext.Current.CancellationToken);
        var submitted = await RunWithEnvironmentAsync(new(saved), "batch", "submit", lines, "--json");
        Assert.True(submitted.Exit == ExitCodes.Ok, submitted.Error);
        var batchId = JsonDocument.Parse(submitted.Output).RootElement.GetProperty("batch").GetProperty("id").GetString()!;
        JsonElement status;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        do
        {
            var poll = await RunWithEnvironmentAsync(new(saved), "batch", "status", batchId, "--json");
            Assert.True(poll.Exit == ExitCodes.Ok, poll.Error);
            status = JsonDocument.Parse(poll.Output).RootElement;
            if (status.GetProperty("counts").GetProperty("succeeded").GetInt32() == 2) break;
            await Task.Delay(200, TestContext.Current.CancellationToken);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal(2, status.GetProperty("counts").GetProperty("succeeded").GetInt32());
        var results = await RunWithEnvironmentAsync(new(saved), "batch", "results", batchId);
        Assert.True(results.Exit == ExitCodes.Ok, results.Error);
        Assert.Equal(2, results.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l)).Count());

        var badLines = Path.Combine(_folder, "bad.jsonl");
        await File.WriteAllTextAsync(badLines, "{\"title\":\"ok\"}\n{\"title\": oops}\n", TestContext.Current.CancellationToken);
        var bad = await RunWithEnvironmentAsync(new(saved), "batch", "submit", badLines);
        Assert.Equal(ExitCodes.Usage, bad.Exit);
        Assert.StartsWith($"ministudio: {badLines}:2:", bad.Error, StringComparison.Ordinal);

        var noAdmin = await RunWithEnvironmentAsync(new(saved), "admin", "plans", "list");
        Assert.Equal(ExitCodes.Usage, noAdmin.Exit);
        Assert.Contains(CliSettings.AdminKeyVariable, noAdmin.Error);
        var wrongAdmin = await RunWithEnvironmentAsync(new(saved), "admin", "tenants", "list", "--admin-key", "not-the-admin-key");
        Assert.Equal(ExitCodes.Auth, wrongAdmin.Exit);
        var tenants = await RunWithEnvironmentAsync(new(saved) { [CliSettings.AdminKeyVariable] = PlatformHosts.AdminKey }, "admin", "tenants", "list", "--json");
        Assert.True(tenants.Exit == ExitCodes.Ok, tenants.Error);
        Assert.Contains(JsonDocument.Parse(tenants.Output).RootElement.EnumerateArray(), t => t.GetProperty("name").GetString() == "acme");
        var plans = await RunWithEnvironmentAsync(new(saved), "admin", "plans", "list", "--json", "--admin-key", PlatformHosts.AdminKey);
        Assert.True(plans.Exit == ExitCodes.Ok, plans.Error);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(plans.Output).RootElement.ValueKind);
    }
}
