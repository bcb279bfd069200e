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

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args)
    {
        var (exit, stdout, stderr) = await ToolRun.ExitAsync(file, args);
        return (exit, stdout + stderr);
    }
}
