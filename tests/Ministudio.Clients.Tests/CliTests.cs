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
    public async Task Film_status_watch_download_and_cancel_follow_a_submitted_film()
    {
        var (exit, output, error) = await RunAsync("film", "submit", SampleFilm, "--json");
        Assert.True(exit == ExitCodes.Ok, error);
        var id = JsonDocument.Parse(output).RootElement.GetProperty("id").GetGuid().ToString();

        var watched = await RunAsync("film", "watch", id, "--json");
        Assert.True(watched.Exit == ExitCodes.Ok, watched.Error);
        Assert.Equal("succeeded", JsonDocument.Parse(watched.Output).RootElement.GetProperty("job").GetProperty("status").GetString());
        var status = await RunAsync("film", "status", id);
        Assert.Equal(ExitCodes.Ok, status.Exit);
        Assert.StartsWith($"{id}  succeeded", status.Output, StringComparison.Ordinal);
        Assert.Contains("shot 0", status.Output, StringComparison.Ordinal);
        var path = Path.Combine(_folder, "status.mp4");
        var download = await RunAsync("film", "download", id, "--out", path);
        Assert.True(download.Exit == ExitCodes.Ok, download.Error);
        Assert.Equal("h264", (await Media.ProbeAsync(path)).Codec);
        var cancel = await RunAsync("film", "cancel", id);
        Assert.Equal(ExitCodes.Rejected, cancel.Exit);
        Assert.StartsWith("ministudio: job.not_cancelable", cancel.Error, StringComparison.Ordinal);

        var unknown = await RunAsync("film", "status", Guid.NewGuid().ToString());
        Assert.Equal(ExitCodes.NotFound, unknown.Exit);
        var notAnId = await RunAsync("film", "status", "yesterday");
        Assert.Equal(ExitCodes.Usage, notAnId.Exit);
        Assert.Single(notAnId.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Admin_plans_set_and_tenants_create_show_and_plan_put_a_tenant_on_a_plan()
    {
        var admin = new Dictionary<string, string?> { [CliSettings.UrlVariable] = platform.GatewayUrl.ToString(), [CliSettings.AdminKeyVariable] = PlatformHosts.AdminKey };
        var plan = $"plan-{Guid.NewGuid():N}"[..20];
        var set = await RunWithEnvironmentAsync(new(admin), "admin", "plans", "set", plan, "--rate-limit", "30", "--concurrent-jobs", "2",
            "--monthly-budget", "12.5", "--provider", "local", "--provider", "mock", "--retention-days", "7", "--json");
        Assert.True(set.Exit == ExitCodes.Ok, set.Error);
        var saved = JsonDocument.Parse(set.Output).RootElement;
        Assert.Equal((30, 2, 12.5m, 7), (saved.GetProperty("rateLimitPerMinute").GetInt32(), saved.GetProperty("concurrentJobs").GetInt32(),
            saved.GetProperty("monthlyBudgetUsd").GetDecimal(), saved.GetProperty("retentionDays").GetInt32()));
        Assert.Equal(["local", "mock"], saved.GetProperty("allowedProviders").EnumerateArray().Select(p => p.GetString()).Order());
        var listed = await RunWithEnvironmentAsync(new(admin), "admin", "plans", "list");
        Assert.Contains(listed.Output.Split('\n'), l => l.StartsWith($"{plan}  30/min  2 jobs  $12.50/month  local,mock  kept 7 days", StringComparison.Ordinal));

        var created = await RunWithEnvironmentAsync(new(admin), "admin", "tenants", "create", $"cli-{Guid.NewGuid():N}", "--json");
        Assert.True(created.Exit == ExitCodes.Ok, created.Error);
        var tenant = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        var assigned = await RunWithEnvironmentAsync(new(admin), "admin", "tenants", "plan", tenant, plan);
        Assert.True(assigned.Exit == ExitCodes.Ok, assigned.Error);
        var shown = await RunWithEnvironmentAsync(new(admin), "admin", "tenants", "show", tenant, "--json");
        Assert.Equal(plan, JsonDocument.Parse(shown.Output).RootElement.GetProperty("plan").GetString());

        // The API's field errors, one line, exit 6.
        var unknownProvider = await RunWithEnvironmentAsync(new(admin), "admin", "plans", "set", plan, "--provider", "nobody");
        Assert.Equal(ExitCodes.Rejected, unknownProvider.Exit);
        Assert.Single(unknownProvider.Error.Trim().Split('\n'));
        Assert.Contains("allowedProviders[0]", unknownProvider.Error, StringComparison.Ordinal);
        var noTenant = await RunWithEnvironmentAsync(new(admin), "admin", "tenants", "show", Guid.NewGuid().ToString());
        Assert.Equal(ExitCodes.NotFound, noTenant.Exit);
    }

    [Fact]
    public async Task Library_items_are_created_listed_and_deleted()
    {
        var file = Path.Combine(_folder, "theo.json");
        var name = $"Theo {Guid.NewGuid():N}";
        await File.WriteAllTextAsync(file, $$$"""{"name":"{{{name}}}","identity":{"hair":"curly black hair"}}""", TestContext.Current.CancellationToken);
        // The kind first (library characters create), or after the verb (library list characters): the same commands.
        var created = await RunAsync("library", "characters", "create", file, "--json");
        Assert.True(created.Exit == ExitCodes.Ok, created.Error);
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        Assert.Contains(name, (await RunAsync("library", "list", "characters")).Output);
        Assert.Contains(name, (await RunAsync("library", "characters", "list")).Output);
        Assert.DoesNotContain(name, (await RunAsync("library", "styles", "list")).Output);
        Assert.Equal(ExitCodes.Ok, (await RunAsync("library", "characters", "delete", id)).Exit);
        var gone = await RunAsync("library", "delete", "characters", id);
        Assert.Equal(ExitCodes.NotFound, gone.Exit);
        Assert.StartsWith("ministudio: library.not_found", gone.Error);
        var unknownKind = await RunAsync("library", "props", "list");
        Assert.Equal(ExitCodes.Usage, unknownKind.Exit);
        Assert.Single(unknownKind.Error.Trim().Split('\n'));
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
