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

    private async Task<(int Exit, string Output, string Error)> RunWithKeyAsync(string? key, params string[] args)
    {
        var environment = new Dictionary<string, string?>
        {
            [CliSettings.UrlVariable] = platform.GatewayUrl.ToString(),
            [CliSettings.KeyVariable] = key,
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MinistudioCli.RunAsync(args, output, error, name => environment.GetValueOrDefault(name), TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunWithKeyAsync(PlatformHosts.TenantKey, args);

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
}
