using System.Text.Json;
using Ministudio.Cli;
using Ministudio.TestSupport;

namespace Ministudio.Clients.Tests;

/// <summary>The CLI as a user gets it: packed, installed with <c>dotnet tool install</c> from the package, run as a process.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CliToolTests(PlatformHosts platform) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-cli-tool").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_packed_tool_installs_and_talks_to_the_platform()
    {
        var ministudio = await ToolRun.InstallCliAsync(_folder);
        var list = await RunAsync(ministudio, ["jobs", "list", "--json", "--url", platform.GatewayUrl.ToString(), "--api-key", PlatformHosts.TenantKey]);
        Assert.True(list.Exit == ExitCodes.Ok, list.Output);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Output).RootElement.GetProperty("items").ValueKind);

        var typo = await RunAsync(ministudio, ["jobs", "lst"]);
        Assert.Equal(ExitCodes.Usage, typo.Exit);
        Assert.Contains("lst", typo.Output);
    }

    [Fact]
    public async Task On_a_terminal_film_render_draws_live_bars_for_the_film_and_each_shot()
    {
        var ministudio = await ToolRun.InstallCliAsync(_folder);
        var film = Path.Combine(_folder, "film.mp4");
        var shots = JsonDocument.Parse(await File.ReadAllTextAsync(SampleFilm, TestContext.Current.CancellationToken)).RootElement.GetProperty("shots").GetArrayLength();
        // script(1) (util-linux, in every Debian) runs the tool on a pseudo-terminal and writes what the terminal showed.
        var command = string.Join(' ', new[] { ministudio, "film", "render", SampleFilm, "--out", film, "--url", platform.GatewayUrl.ToString(), "--api-key", PlatformHosts.TenantKey }
            .Select(a => $"'{a}'"));
        var (exit, screen, error) = await ToolRun.ExitAsync("script", ["-qefc", command, "/dev/null"],
            new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["COLUMNS"] = "120", ["LINES"] = "40", ["CI"] = null });
        Assert.True(exit == ExitCodes.Ok, screen + error);
        Assert.Contains("\u001b[", screen, StringComparison.Ordinal); // drawn with cursor movements, not printed line by line
        Assert.Contains('━', screen); // Spectre's progress bars
        for (var shot = 0; shot < shots; shot++) Assert.Contains($"shot {shot} succeeded", screen, StringComparison.Ordinal);
        Assert.Contains($"succeeded: saved {film}", screen, StringComparison.Ordinal);
        Assert.True(new FileInfo(film).Length > 0);
    }

    private static readonly string SampleFilm = Path.Combine(Repository.Root, "samples", "lighthouse.json");

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args)
    {
        var (exit, stdout, stderr) = await ToolRun.ExitAsync(file, args);
        return (exit, stdout + stderr);
    }
}
