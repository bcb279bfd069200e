using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ministudio.Platform;

namespace Ministudio.Prompt.Films;

/// <summary>A film skeleton whose text holds <c>{{field}}</c> merge fields (Templates.json, or a tenant's library).</summary>
public sealed record FilmTemplate(string Description, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string>? Defaults, JsonObject Film);

/// <summary>A tenant's template as saved in its library: a name, what it is for, its merge fields and the film.</summary>
public sealed record TemplateSpec(string? Name, string? Description, IReadOnlyDictionary<string, string>? Fields, IReadOnlyDictionary<string, string>? Defaults, JsonObject? Film)
{
    public FilmTemplate ToTemplate() => new(Description ?? "", Fields ?? new Dictionary<string, string>(), Defaults, Film ?? []);
}

/// <summary>A request to make a film from a template: its name (or a library template's id) and the merge values.</summary>
public sealed record TemplatedFilm(string? Template, IReadOnlyDictionary<string, string>? Values);

/// <summary>
/// Film templates: the built-in ones, and the rendering every template (built-in or a tenant's) goes through. Values are
/// merged into string values of the film's JSON only, never into its structure, so a value cannot add or change fields
/// however it is written.
/// </summary>
public static partial class FilmTemplates
{
    public const int MaxValueLength = 500;

    public static readonly IReadOnlyDictionary<string, FilmTemplate> BuiltIn = Load();

    public static bool IsBuiltIn(string name) => BuiltIn.ContainsKey(name.Trim());

    /// <summary>A built-in template by name.</summary>
    public static (FilmSpec? Film, IReadOnlyList<FieldError> Errors) Render(TemplatedFilm request) =>
        request.Template is not null && BuiltIn.TryGetValue(request.Template, out var template)
            ? Render(request.Template, template, request.Values)
            : (null, [Unknown(request.Template)]);

    public static FieldError Unknown(string? name) =>
        new("template", "template.unknown", $"'{name}' is not a template; use one of {string.Join(", ", BuiltIn.Keys)} or one of your own (GET /v1/templates).");

    /// <summary>The template's film with the values (over its defaults) merged in, or why the values do not fit it.</summary>
    public static (FilmSpec? Film, IReadOnlyList<FieldError> Errors) Render(string name, FilmTemplate template, IReadOnlyDictionary<string, string>? given)
    {
        var values = new Dictionary<string, string>(template.Defaults ?? new Dictionary<string, string>());
        var errors = new List<FieldError>();
        foreach (var (field, value) in given ?? new Dictionary<string, string>())
        {
            if (!template.Fields.ContainsKey(field))
                errors.Add(new($"values.{field}", "template.value_unknown", $"'{name}' has no field '{field}'; its fields are {string.Join(", ", template.Fields.Keys)}."));
            else if (value is { Length: > MaxValueLength })
                errors.Add(new($"values.{field}", "template.value_too_long", $"At most {MaxValueLength} characters."));
            else
                values[field] = value ?? "";
        }
        foreach (var field in template.Fields.Keys.Where(f => string.IsNullOrWhiteSpace(values.GetValueOrDefault(f))))
            errors.Add(new($"values.{field}", "template.value_missing", $"'{name}' needs '{field}': {template.Fields[field]}."));
        if (errors.Count > 0) return (null, errors);

        var film = Merge(template.Film.DeepClone(), values);
        try
        {
            return (film.Deserialize<FilmSpec>(JsonSerializerOptions.Web), []);
        }
        catch (JsonException ex)
        {
            return (null, [JsonBody.Mismatch(ex, "a film")]);
        }
    }

    public const int MaxFields = 30;

    /// <summary>
    /// The shape of a tenant's template: named, with a film, and every merge field well-formed, declared and used (a
    /// field that changes nothing, or text that looks like a field but is not one, is a mistake the author wants to hear of).
    /// </summary>
    public static IReadOnlyList<FieldError> ValidateShape(TemplateSpec template)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(template.Name)) errors.Add(new("name", "template.name_required", "A template needs a name."));
        var fields = template.Fields ?? new Dictionary<string, string>();
        if (fields.Count > MaxFields) errors.Add(new("fields", "template.too_many_fields", $"At most {MaxFields} merge fields."));
        foreach (var name in fields.Keys.Where(name => !FieldName().IsMatch(name)))
            errors.Add(new($"fields.{name}", "template.field_name_invalid", "A merge field's name is lower-case letters and underscores."));
        foreach (var (name, value) in template.Defaults ?? new Dictionary<string, string>())
        {
            if (!fields.ContainsKey(name)) errors.Add(new($"defaults.{name}", "template.default_unknown", $"'{name}' is not one of the template's fields."));
            else if (value is { Length: > MaxValueLength }) errors.Add(new($"defaults.{name}", "template.value_too_long", $"At most {MaxValueLength} characters."));
        }
        if (template.Film is null)
        {
            errors.Add(new("film", "template.film_required", "A template needs a film: the film's JSON with {{field}} merge fields in its text."));
            return errors;
        }

        var used = new HashSet<string>();
        foreach (var text in Texts(template.Film))
        {
            var value = text.GetValue<string>();
            var at = "film" + text.GetPath().TrimStart('$');
            foreach (Match match in MergeField().Matches(value))
            {
                used.Add(match.Groups[1].Value);
                if (!fields.ContainsKey(match.Groups[1].Value))
                    errors.Add(new(at, "template.field_undeclared", $"'{match.Value}' is not one of the template's fields; declare it in fields."));
            }
            if (MergeField().Replace(value, "") is var rest && (rest.Contains("{{", StringComparison.Ordinal) || rest.Contains("}}", StringComparison.Ordinal)))
                errors.Add(new(at, "template.merge_field_malformed", "A merge field is written {{name}}, with a lower-case name of letters and underscores."));
        }
        foreach (var name in fields.Keys.Where(f => FieldName().IsMatch(f) && !used.Contains(f)))
            errors.Add(new($"fields.{name}", "template.field_unused", $"'{name}' appears nowhere in the film; use it as {{{{{name}}}}} or remove it."));
        return errors;
    }

    /// <summary>Values that fill every field without a default with its own name: the film a template makes at the least.</summary>
    public static IReadOnlyDictionary<string, string> SampleValues(FilmTemplate template) =>
        template.Fields.Keys.Where(f => template.Defaults?.ContainsKey(f) != true).ToDictionary(f => f, f => f);

    private static IEnumerable<JsonValue> Texts(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(p => Texts(p.Value)),
        JsonArray array => array.SelectMany(Texts),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => [value],
        _ => [],
    };

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

    [GeneratedRegex("^[a-z_]+$")]
    private static partial Regex FieldName();

    private static Dictionary<string, FilmTemplate> Load()
    {
        using var stream = typeof(FilmTemplates).Assembly.GetManifestResourceStream("Ministudio.Prompt.Films.Templates.json")
            ?? throw new InvalidOperationException("Templates.json is not embedded in the prompt assembly.");
        return JsonSerializer.Deserialize<Dictionary<string, FilmTemplate>>(stream, JsonSerializerOptions.Web)!;
    }
}
