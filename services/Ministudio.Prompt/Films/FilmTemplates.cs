using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>A film skeleton whose text holds <c>{{field}}</c> merge fields (Templates.json).</summary>
public sealed record FilmTemplate(string Description, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string>? Defaults, JsonObject Film);

/// <summary>A request to make a film from a template: its name and the merge values.</summary>
public sealed record TemplatedFilm(string? Template, IReadOnlyDictionary<string, string>? Values);

/// <summary>
/// Built-in film templates. Values are merged into string values of the film's JSON only, never into its structure,
/// so a value cannot add or change fields however it is written.
/// </summary>
public static partial class FilmTemplates
{
    public const int MaxValueLength = 500;

    public static readonly IReadOnlyDictionary<string, FilmTemplate> BuiltIn = Load();

    public static (FilmSpec? Film, IReadOnlyList<FieldError> Errors) Render(TemplatedFilm request)
    {
        if (request.Template is null || !BuiltIn.TryGetValue(request.Template, out var template))
            return (null, [new("template", "template.unknown", $"'{request.Template}' is not a template; use one of {string.Join(", ", BuiltIn.Keys)}.")]);

        var values = new Dictionary<string, string>(template.Defaults ?? new Dictionary<string, string>());
        var errors = new List<FieldError>();
        foreach (var (name, value) in request.Values ?? new Dictionary<string, string>())
        {
            if (!template.Fields.ContainsKey(name))
                errors.Add(new($"values.{name}", "template.value_unknown", $"'{request.Template}' has no field '{name}'; its fields are {string.Join(", ", template.Fields.Keys)}."));
            else if (value is { Length: > MaxValueLength })
                errors.Add(new($"values.{name}", "template.value_too_long", $"At most {MaxValueLength} characters."));
            else
                values[name] = value ?? "";
        }
        foreach (var field in template.Fields.Keys.Where(f => string.IsNullOrWhiteSpace(values.GetValueOrDefault(f))))
            errors.Add(new($"values.{field}", "template.value_missing", $"'{request.Template}' needs '{field}': {template.Fields[field]}."));
        if (errors.Count > 0) return (null, errors);

        var film = Merge(template.Film.DeepClone(), values);
        return (film.Deserialize<FilmSpec>(JsonSerializerOptions.Web), []);
    }

    /// <summary>Replaces merge fields inside string values, in place; objects and arrays keep their shape.</summary>
    private static JsonNode Merge(JsonNode node, IReadOnlyDictionary<string, string> values)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
                if (obj[key] is JsonValue value) obj[key] = MergeText(value, values);
                else if (obj[key] is { } child) Merge(child, values);
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
                if (array[i] is JsonValue value) array[i] = MergeText(value, values);
                else if (array[i] is { } child) Merge(child, values);
        }
        return node;
    }

    private static JsonValue MergeText(JsonValue value, IReadOnlyDictionary<string, string> values) =>
        value.TryGetValue<string>(out var text)
            ? JsonValue.Create(MergeField().Replace(text, match => values[match.Groups[1].Value].Trim()))
            : (JsonValue)value.DeepClone();

    [GeneratedRegex(@"\{\{([a-z_]+)\}\}")]
    private static partial Regex MergeField();

    private static Dictionary<string, FilmTemplate> Load()
    {
        using var stream = typeof(FilmTemplates).Assembly.GetManifestResourceStream("Ministudio.Prompt.Films.Templates.json")
            ?? throw new InvalidOperationException("Templates.json is not embedded in the prompt assembly.");
        return JsonSerializer.Deserialize<Dictionary<string, FilmTemplate>>(stream, JsonSerializerOptions.Web)!;
    }
}
