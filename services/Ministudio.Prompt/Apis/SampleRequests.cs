using System.Text.Json.Nodes;
using Ministudio.Platform;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// The request examples of the API document: the repository's own samples (samples/, embedded at build), so the
/// document shows films the platform really renders and the docs page can send them as they are.
/// </summary>
public static class SampleRequests
{
    private const string Prefix = "samples/";

    /// <summary>The films of samples/ (each one renders).</summary>
    public static IReadOnlyList<RequestExampleMetadata> Films { get; } = Load(folder: "");

    /// <summary>The films, and those of samples/compile-only/ (they show compiler features; compiling is all they are for).</summary>
    public static IReadOnlyList<RequestExampleMetadata> CompiledFilms { get; } = [.. Films, .. Load("compile-only/")];

    public static IReadOnlyList<RequestExampleMetadata> Timelines { get; } = Load("timelines/");

    /// <summary>The sample films as one JSON Lines batch, a film per line.</summary>
    public static IReadOnlyList<RequestExampleMetadata> Batches { get; } =
    [
        new("sample-films", $"The {Films.Count} sample films, one per line",
            string.Concat(Films.Select(f => JsonNode.Parse(f.Value)!.ToJsonString() + "\n"))),
    ];

    /// <summary>The samples directly in samples/<paramref name="folder"/>, named by file, summarised by their title.</summary>
    private static RequestExampleMetadata[] Load(string folder)
    {
        var assembly = typeof(SampleRequests).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Select(name => (Resource: name, Path: name.Replace('\\', '/')))
            .Where(r => r.Path.StartsWith(Prefix + folder, StringComparison.Ordinal) && !r.Path[(Prefix.Length + folder.Length)..].Contains('/'))
            .OrderBy(r => r.Path, StringComparer.Ordinal)
            .Select(r =>
            {
                using var stream = assembly.GetManifestResourceStream(r.Resource)!;
                var text = new StreamReader(stream).ReadToEnd();
                var title = JsonNode.Parse(text)?["title"]?.GetValue<string>();
                var file = Path.GetFileNameWithoutExtension(r.Path);
                return new RequestExampleMetadata(file, title ?? $"{Prefix}{folder}{file}.json", text);
            })];
    }
}
