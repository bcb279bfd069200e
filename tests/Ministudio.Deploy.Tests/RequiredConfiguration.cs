using System.Text.RegularExpressions;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Deploy.Tests;

/// <summary>
/// What each service requires at start, read from its code: the ServiceDefaults helpers it calls (each helper's own
/// GetRequired* calls say which key it reads), its direct GetRequired* calls and the service-discovery addresses it
/// resolves. Keys are in environment-variable form (ConnectionStrings__postgres).
/// </summary>
public static partial class RequiredConfiguration
{
    /// <summary>ResourceNames constant name → value (Render → "render"), from the type itself.</summary>
    public static IReadOnlyDictionary<string, string> ResourceNamesByConstant { get; } = typeof(ResourceNames).GetFields()
        .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    /// <summary>The services (projects under services/), by resource name.</summary>
    public static IReadOnlyList<string> Services { get; } =
        [ResourceNames.Gateway, ResourceNames.Prompt, ResourceNames.Dispatch, ResourceNames.Render, ResourceNames.Compose, ResourceNames.Mcp];

    public static string ProjectFolder(string service) =>
        Path.Combine(Repository.Root, "services", $"Ministudio.{char.ToUpperInvariant(service[0])}{service[1..]}");

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlySet<string>>> HelperKeys = new(ReadHelperKeys);

    public static IReadOnlySet<string> Of(string service)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(ProjectFolder(service), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)) continue;
            var code = File.ReadAllText(file);
            keys.UnionWith(DirectKeys(code));
            foreach (var (helper, helperKeys) in HelperKeys.Value)
                if (Regex.IsMatch(code, $@"\.{helper}\(")) keys.UnionWith(helperKeys);
        }
        return keys;
    }

    /// <summary>Keys a piece of code reads with GetRequired* or resolves through service discovery.</summary>
    public static IEnumerable<string> DirectKeys(string code)
    {
        foreach (Match m in RequiredConnectionString().Matches(code)) yield return $"ConnectionStrings__{Resource(m.Groups[1].Value)}";
        foreach (Match m in RequiredEndpoint().Matches(code))
            yield return $"services__{Resource(m.Groups[1].Value)}__{(m.Groups[2].Success ? m.Groups[2].Value : "http")}__0";
        foreach (Match m in DiscoveredEndpoint().Matches(code)) yield return $"services__{Resource(m.Groups[2].Value)}__{m.Groups[1].Value}__0";
        foreach (Match m in RequiredValue().Matches(code)) yield return Constant(code, m.Groups[1].Value).Replace(":", "__", StringComparison.Ordinal);
    }

    /// <summary>
    /// Public Add* extension methods of the shared libraries (AddRedisClient, AddArtifactStore, AddServiceTrust...) →
    /// the keys each requires, including those of the helpers it calls in turn.
    /// </summary>
    private static IReadOnlyDictionary<string, IReadOnlySet<string>> ReadHelperKeys()
    {
        var bodies = new Dictionary<string, string>();
        foreach (var file in SharedLibraryFiles())
        {
            var code = File.ReadAllText(file);
            var methods = PublicStaticMethod().Matches(code);
            for (var i = 0; i < methods.Count; i++)
            {
                var end = i + 1 < methods.Count ? methods[i + 1].Index : code.Length;
                if (methods[i].Groups[1].Value.StartsWith("Add", StringComparison.Ordinal)) bodies[methods[i].Groups[1].Value] = code[methods[i].Index..end];
            }
        }

        var helpers = bodies.ToDictionary(b => b.Key, b => DirectKeys(b.Value).ToHashSet());
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var (name, body) in bodies)
                foreach (var (called, keys) in helpers.Where(h => h.Key != name && Regex.IsMatch(body, $@"\.{h.Key}\(")).ToList())
                    changed |= keys.Any(key => helpers[name].Add(key));
        }
        return helpers.Where(h => h.Value.Count > 0).ToDictionary(h => h.Key, h => (IReadOnlySet<string>)h.Value);
    }

    private static string Resource(string expression)
    {
        var constant = expression.StartsWith("ResourceNames.", StringComparison.Ordinal) ? expression["ResourceNames.".Length..] : null;
        if (constant is not null) return ResourceNamesByConstant[constant];
        return expression.Trim('"');
    }

    /// <summary>The libraries every service builds on, whose Add* helpers require configuration on its behalf.</summary>
    private static IEnumerable<string> SharedLibraryFiles() =>
        new[] { "Ministudio.ServiceDefaults", "Ministudio.Platform" }.SelectMany(library =>
            Directory.EnumerateFiles(Path.Combine(Repository.Root, library), "*.cs", SearchOption.AllDirectories)
                .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)));

    private static readonly Lazy<string> ServiceDefaultsCode = new(() => string.Join('\n', SharedLibraryFiles().Select(File.ReadAllText)));

    /// <summary>A string literal, or a constant (const string X = "...") of the same file or of ServiceDefaults.</summary>
    private static string Constant(string code, string expression)
    {
        if (expression.StartsWith('"')) return expression.Trim('"');
        var name = expression.Split('.')[^1];
        var pattern = $@"const\s+string\s+{name}\s*=\s*""([^""]+)""";
        var match = Regex.Match(code, pattern);
        if (!match.Success) match = Regex.Match(ServiceDefaultsCode.Value, pattern);
        if (match.Success) return match.Groups[1].Value;
        throw new InvalidOperationException($"Cannot resolve the configuration key '{expression}' in the code that requires it.");
    }

    [GeneratedRegex(@"GetRequiredConnectionString\(\s*(ResourceNames\.\w+|""[^""]+"")\s*\)")]
    private static partial Regex RequiredConnectionString();

    [GeneratedRegex(@"GetRequiredServiceEndpoint\(\s*(ResourceNames\.\w+|""[^""]+"")\s*(?:,\s*""(\w+)""\s*)?\)")]
    private static partial Regex RequiredEndpoint();

    /// <summary>Aspire service discovery: http://_grpc.{ResourceNames.Render} reads services:render:grpc:0.</summary>
    [GeneratedRegex(@"https?://_(\w+)\.\{(ResourceNames\.\w+)\}")]
    private static partial Regex DiscoveredEndpoint();

    [GeneratedRegex(@"GetRequiredValue\(\s*(""[^""]+""|[\w.]+)\s*\)")]
    private static partial Regex RequiredValue();

    [GeneratedRegex(@"public\s+static\s+[\w<>\[\]?, ]+?\s+(\w+)(?:<[^>]+>)?\s*\(\s*this\b")]
    private static partial Regex PublicStaticMethod();
}
