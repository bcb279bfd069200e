using System.Diagnostics;
using System.Text.Json;
using Ministudio.Cli;
using Ministudio.TestSupport;

namespace Ministudio.Clients.Tests;

/// <summary>The CLI as a user gets it: packed, installed with <c>dotnet tool install</c> from the package, run as a process.</summary>
[Collection(PlatformCollection.Name)]
public sealed class CliToolTests(PlatformHosts platform) : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-cli-tool").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_packed_tool_installs_and_talks_to_the_platform()
    {
        var packages = Path.Combine(_folder, "packages");
        var tools = Path.Combine(_folder, "tools");
        var pack = await RunAsync("dotnet", ["pack", Path.Combine(Repository.Root, "tools", "Ministudio.Cli"), "-c", Configuration, "--no-build", "-o", packages]);
        Assert.True(pack.Exit == 0, pack.Output);
        var install = await RunAsync("dotnet", ["tool", "install", "Ministudio.Cli", "--tool-path", tools, "--add-source", packages]);
        Assert.True(install.Exit == 0, install.Output);

        var ministudio = Path.Combine(tools, "ministudio");
        var list = await RunAsync(ministudio, ["jobs", "list", "--json", "--url", platform.GatewayUrl.ToString(), "--api-key", PlatformHosts.TenantKey]);
        Assert.True(list.Exit == ExitCodes.Ok, list.Output);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(list.Output).RootElement.GetProperty("items").ValueKind);

        var typo = await RunAsync(ministudio, ["jobs", "lst"]);
        Assert.Equal(ExitCodes.Usage, typo.Exit);
        Assert.Contains("lst", typo.Output);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output + await error);
    }
}
