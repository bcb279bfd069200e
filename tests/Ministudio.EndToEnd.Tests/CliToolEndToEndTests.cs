using System.Text;
using System.Text.Json;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests;

/// <summary>
/// The <c>ministudio</c> tool as a user gets it — packed, installed with <c>dotnet tool install</c> from the package —
/// logging in and rendering a sample film through the whole platform.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CliToolEndToEndTests(PlatformFixture platform) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-cli-e2e").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_installed_tool_logs_in_and_renders_a_sample_film_to_an_mp4()
    {
        var ministudio = await ToolRun.InstallCliAsync(_folder);

        // A bad key is refused at login and nothing is saved.
        var config = Path.Combine(_folder, "config", "ministudio.json");
        var refused = await RunAsync(ministudio, ["login", "--url", platform.GatewayUrl.ToString(), "--api-key", "ms_test_nonsense"], config);
        Assert.Equal(3, refused.Exit);
        Assert.Single(refused.Error.Trim().Split('\n'));
        Assert.StartsWith("ministudio: auth.key_invalid", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(config));

        // A tenant of its own: the film API test needs the sample film uncached for the development tenant.
        var key = await platform.NewTenantKeyAsync(TestContext.Current.CancellationToken);
        var login = await RunAsync(ministudio, ["login", "--url", platform.GatewayUrl.ToString(), "--api-key", key, "--json"], config);
        Assert.True(login.Exit == 0, login.Output + login.Error);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(config));

        // Everything from here on reads the saved login: no --url, no --api-key.
        var film = Path.Combine(_folder, "film.mp4");
        var render = await RunAsync(ministudio, ["film", "render", PlatformFixture.SampleFilm, "--json", "--out", film], config);
        Assert.True(render.Exit == 0, render.Output + render.Error);
        var result = JsonDocument.Parse(render.Output).RootElement;
        Assert.Equal("succeeded", result.GetProperty("job").GetProperty("status").GetString());
        Assert.Equal(Path.GetFullPath(film), result.GetProperty("file").GetString());
        var bytes = await File.ReadAllBytesAsync(film, TestContext.Current.CancellationToken);
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        Assert.Equal(result.GetProperty("job").GetProperty("video").GetProperty("sha256").GetString(),
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        // Bad input: one line on stderr and the documented code, never a stack trace.
        var broken = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(broken, "{\n  \"title\": \"x\",\n  \"shots\": [,]\n}", TestContext.Current.CancellationToken);
        foreach (var (args, exit, says) in new (string[], int, string)[]
                 {
                     (["film", "render", Path.Combine(_folder, "missing.json")], 2, "no such file"),
                     (["film", "render", broken], 2, "broken.json:3:"),
                     (["film", "render", broken, "--no-such-flag"], 2, "--no-such-flag"),
                     (["batch", "submit", broken], 2, "broken.json:1:"),
                     (["jobs", "show", Guid.NewGuid().ToString()], 4, "job.not_found"),
                 })
        {
            var run = await RunAsync(ministudio, args, config);
            Assert.True(run.Exit == exit, $"{string.Join(' ', args)}: exit {run.Exit}, {run.Error}");
            Assert.Single(run.Error.Trim().Split('\n'));
            Assert.Contains(says, run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        }
    }

    /// <summary>The tool with only the saved login speaking for the user (no MINISTUDIO_URL or MINISTUDIO_API_KEY).</summary>
    private static Task<(int Exit, string Output, string Error)> RunAsync(string file, string[] args, string config) =>
        ToolRun.ExitAsync(file, args, new Dictionary<string, string?>
        {
            ["MINISTUDIO_URL"] = null,
            ["MINISTUDIO_API_KEY"] = null,
            ["MINISTUDIO_CONFIG"] = config,
        });
}
