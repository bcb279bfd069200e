using System.Text.Json;
using Ministudio.TestSupport;

namespace Ministudio.Deploy.Tests;

public sealed record SchemaReport(int ExitCode, IReadOnlyList<string> Lines, string Kubernetes, string Keda, int Validated, int Failures);

/// <summary>
/// schema/validate.mjs: JSON-schema validation of rendered objects against the Kubernetes OpenAPI schemas
/// (kubernetes-models 4.5.1 = Kubernetes 1.27.1) and KEDA's CRDs (@kubernetes-models/keda 0.4.2 = KEDA 2.10.1).
/// The npm packages are installed once per checkout from schema/package-lock.json.
/// </summary>
public static class SchemaValidator
{
    public const string KubernetesVersion = "1.27.1";
    public const string KedaVersion = "2.10.1";

    private static readonly Lazy<Task> Installed = new(InstallAsync);
    private static string Folder => Path.Combine(Repository.Root, "tests", "Ministudio.Deploy.Tests", "schema");

    public static async Task<SchemaReport> ValidateAsync(string yaml)
    {
        var node = Tools.Require("node", "Node.js ≥ 14 (apt: nodejs)");
        await Installed.Value;
        var file = Path.Combine(Directory.CreateTempSubdirectory("ministudio-schema-").FullName, "objects.yaml");
        await File.WriteAllTextAsync(file, yaml);
        var result = await Tools.RunAsync(node, [Path.Combine(Folder, "validate.mjs"), file], Folder);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0 && lines[^1].StartsWith('{'), result.Describe("node validate.mjs"));
        using var summary = JsonDocument.Parse(lines[^1]);
        var root = summary.RootElement;
        return new SchemaReport(result.ExitCode, lines[..^1], root.GetProperty("kubernetes").GetString()!, root.GetProperty("keda").GetString()!,
            root.GetProperty("validated").GetInt32(), root.GetProperty("failures").GetInt32());
    }

    private static async Task InstallAsync()
    {
        if (Directory.Exists(Path.Combine(Folder, "node_modules", "kubernetes-models"))) return;
        var npm = Tools.Require("npm", "npm (apt: npm)");
        var result = await Tools.RunAsync(npm, ["ci", "--no-audit", "--no-fund"], Folder, timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, result.Describe("npm ci (tests/Ministudio.Deploy.Tests/schema)"));
    }
}
