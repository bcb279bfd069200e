using System.Collections.Concurrent;
using k8s;
using Ministudio.TestSupport;

namespace Ministudio.Deploy.Tests;

/// <summary>One overlay rendered by <c>kubectl kustomize</c>: its YAML and its objects.</summary>
public sealed record RenderedOverlay(string Name, string Yaml, IReadOnlyList<string> Documents, IReadOnlyList<object> BuiltInObjects)
{
    public IEnumerable<T> All<T>() => BuiltInObjects.OfType<T>();

    public T Named<T>(string name) where T : IKubernetesObject<k8s.Models.V1ObjectMeta> =>
        All<T>().SingleOrDefault(o => o.Metadata.Name == name) ?? throw new Xunit.Sdk.XunitException($"{Name}: no {typeof(T).Name} '{name}'.");

    /// <summary>
    /// The built-in objects loaded anew, for a caller that changes them: <see cref="BuiltInObjects"/> is one cached copy
    /// that every test of the run reads at the same time.
    /// </summary>
    public IReadOnlyList<object> LoadBuiltInObjects() => Kustomize.LoadBuiltIn(Documents);
}

/// <summary>
/// Renders deploy/k8s overlays from a temporary copy, so the dev overlay gets a fresh secrets.env from
/// scripts/k8s-secrets.sh (as an operator would) without touching the checkout.
/// </summary>
public static class Kustomize
{
    public static readonly string[] Overlays = ["dev", "prod", "gpu"];
    public static TheoryData<string> OverlayNames => new(Overlays);

    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedOverlay>>> Rendered = new();
    private static readonly Lazy<Task<string>> Copy = new(CopyWithSecretsAsync);

    public static string Source => Path.Combine(Repository.Root, "deploy", "k8s");

    public static Task<RenderedOverlay> RenderAsync(string overlay) =>
        Rendered.GetOrAdd(overlay, name => new Lazy<Task<RenderedOverlay>>(() => RenderCoreAsync(name))).Value;

    /// <summary>Renders any kustomization folder (tests write their own around an overlay).</summary>
    public static async Task<string> BuildAsync(string folder)
    {
        var kubectl = Tools.Require("kubectl", "kubectl ≥ 1.27 with kustomize built in");
        var result = await Tools.RunAsync(kubectl, ["kustomize", folder]);
        Assert.True(result.ExitCode == 0, result.Describe($"kubectl kustomize {folder}"));
        return result.Output;
    }

    /// <summary>The folder of the temporary copy of deploy/k8s (with a generated overlays/dev/secrets.env).</summary>
    public static Task<string> CopyAsync() => Copy.Value;

    /// <summary>Kustomize's output split into its documents.</summary>
    public static IReadOnlyList<string> Split(string yaml) =>
        yaml.Split("\n---\n").Select(d => d.Trim()).Where(d => d.Length > 0 && d != "---").ToList();

    private static async Task<RenderedOverlay> RenderCoreAsync(string overlay)
    {
        var root = await CopyAsync();
        var yaml = await BuildAsync(Path.Combine(root, "overlays", overlay));
        var documents = Split(yaml);
        // KEDA's custom resources are checked against KEDA's CRD schema (schema/validate.mjs); the rest are loaded
        // strictly into the Kubernetes API types, which rejects every field those types do not have.
        return new RenderedOverlay(overlay, yaml, documents, LoadBuiltIn(documents));
    }

    /// <summary>The documents that are not custom resources, loaded strictly into the Kubernetes API types.</summary>
    public static IReadOnlyList<object> LoadBuiltIn(IEnumerable<string> documents) =>
        KubernetesYaml.LoadAllFromString(string.Join("\n---\n", documents.Where(d => !IsCustomResource(d))), strict: true);

    public static bool IsCustomResource(string document) => document.Contains("apiVersion: keda.sh/", StringComparison.Ordinal);

    private static async Task<string> CopyWithSecretsAsync()
    {
        var root = Directory.CreateTempSubdirectory("ministudio-k8s-").FullName;
        foreach (var file in Directory.EnumerateFiles(Source, "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(file) == "secrets.env") continue;
            var target = Path.Combine(root, Path.GetRelativePath(Source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var script = await Tools.RunAsync("bash", [Path.Combine(Repository.Root, "scripts", "k8s-secrets.sh"), Path.Combine(root, "overlays", "dev", "secrets.env")]);
        Assert.True(script.ExitCode == 0, script.Describe("scripts/k8s-secrets.sh"));
        return root;
    }
}
