using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Platform;
using Ministudio.Prompt.Artifacts;
using Ministudio.Prompt.Films;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Library;

/// <summary>
/// Replaces library references in a film (characters, environments and styles given by id, styles by built-in pack
/// name) with their definitions; fields written in the film itself win over the library's.
/// </summary>
public sealed class FilmResolver(LibraryStore library, ReferenceImages images, TenantAssets assets)
{
    /// <summary>
    /// A film body (written out or a template) made into a library-resolved, validated spec, or the errors that stop
    /// it; shared by single films and every line of a batch.
    /// </summary>
    public async Task<(FilmSpec? Film, IReadOnlyList<FieldError> Errors)> ValidateAsync(
        Guid tenant, JsonObject body, CancellationToken ct)
    {
        var (written, invalid) = await FromBodyAsync(tenant, body, ct);
        return invalid.Count > 0 ? (null, invalid) : await ValidateSpecAsync(tenant, written!, ct);
    }

    /// <summary>
    /// A tenant's template before it is saved: its merge fields are sound and the film it makes (each field without a
    /// default filled with its own name) passes every check a film passes, against the tenant's library.
    /// </summary>
    public async ValueTask<IReadOnlyList<FieldError>> ValidateTemplateAsync(Guid tenant, TemplateSpec spec, CancellationToken ct)
    {
        var shape = FilmTemplates.ValidateShape(spec);
        if (shape.Count > 0) return shape;
        var template = spec.ToTemplate();
        var (film, errors) = FilmTemplates.Render(spec.Name!.Trim(), template, FilmTemplates.SampleValues(template));
        if (errors.Count == 0) (_, errors) = await ValidateSpecAsync(tenant, film!, ct);
        return errors.Select(e => e with { Field = e.Field == "$" ? "film" : $"film.{e.Field}" }).ToList();
    }

    private async Task<(FilmSpec? Film, IReadOnlyList<FieldError> Errors)> ValidateSpecAsync(Guid tenant, FilmSpec written, CancellationToken ct)
    {
        var (spec, mixed) = Scenes.Flatten(written);
        if (mixed.Count > 0) return (null, mixed);
        var (resolved, missing) = await ResolveAsync(tenant, spec!, ct);
        // Unresolved references come alone: the spec they leave behind is incomplete by construction.
        var errors = missing.Count > 0 ? missing : FilmValidator.Validate(resolved);
        return errors.Count > 0 ? (null, errors) : (resolved, []);
    }

    /// <summary>
    /// A film is either written out or made from a template (<c>{"template": …, "values": {…}}</c>): a built-in one by
    /// name, else one of the tenant's by id or name. Both render the same way.
    /// </summary>
    private async Task<(FilmSpec? Film, IReadOnlyList<FieldError> Errors)> FromBodyAsync(Guid tenant, JsonObject body, CancellationToken ct)
    {
        try
        {
            if (!body.ContainsKey("template")) return (body.Deserialize<FilmSpec>(JsonSerializerOptions.Web), []);
            var request = body.Deserialize<TemplatedFilm>(JsonSerializerOptions.Web)!;
            if (request.Template is not { } name) return (null, [FilmTemplates.Unknown(null)]);
            if (FilmTemplates.BuiltIn.TryGetValue(name, out var builtIn)) return FilmTemplates.Render(name, builtIn, request.Values);
            return await FindByIdOrNameAsync<TemplateSpec>(tenant, LibraryKinds.Templates.Kind, name, ct) is { } own
                ? FilmTemplates.Render(name, own.ToTemplate(), request.Values)
                : (null, [FilmTemplates.Unknown(name)]);
        }
        catch (JsonException ex)
        {
            return (null, [JsonBody.Mismatch(ex, "a film")]);
        }
    }

    public async Task<(FilmSpec Film, IReadOnlyList<FieldError> Errors)> ResolveAsync(Guid tenant, FilmSpec spec, CancellationToken ct)
    {
        var errors = new List<FieldError>();

        var style = spec.Style;
        if (style is not null)
        {
            StyleSpec? definition = null;
            if (style.Id is { } id)
            {
                definition = StylePacks.BuiltIn.GetValueOrDefault(id) ?? await FindByIdOrNameAsync<StyleSpec>(tenant, LibraryKinds.Styles.Kind, id, ct);
                if (definition is null) errors.Add(new("style.id", "film.style_not_found", $"No style or style pack '{id}'."));
            }
            else if (style is { Name: { } name, Traits: null, References: null, Palette: null, NegativePrompt: null })
            {
                // A bare name of a built-in pack or of one of the tenant's styles means that pack.
                definition = StylePacks.BuiltIn.GetValueOrDefault(name) ?? (await library.FindByNameAsync<StyleSpec>(tenant, LibraryKinds.Styles.Kind, name, ct))?.Item;
            }
            style = Overlay(definition, style with { Id = null });
        }

        var characters = new List<CharacterSpec>();
        foreach (var (character, i) in (spec.Characters ?? []).Select((c, i) => (c, i)))
        {
            if (character?.Id is not { } id)
            {
                characters.Add(character!);
                continue;
            }
            var definition = await FindAsync<CharacterSpec>(tenant, LibraryKinds.Characters.Kind, id, ct);
            if (definition is null) errors.Add(new($"characters[{i}].id", "film.character_not_found", $"No character '{id}' in the library."));
            characters.Add(Overlay(definition, character with { Id = null }));
        }

        var environment = await ResolveEnvironmentAsync(tenant, spec.Environment, "environment.id", errors, ct);
        var shots = new List<ShotSpec>();
        foreach (var (shot, i) in (spec.Shots ?? []).Select((s, i) => (s, i)))
        {
            shots.Add(shot is null ? shot! : shot with { Environment = await ResolveEnvironmentAsync(tenant, shot.Environment, $"shots[{i}].environment.id", errors, ct) });
        }

        await CheckImagesAsync(tenant, characters.Select((c, i) => ($"characters[{i}].referenceImages", c?.ReferenceImages)), errors, ct);
        await CheckImagesAsync(tenant, [("environment.referenceImages", environment?.ReferenceImages)], errors, ct);
        await CheckImagesAsync(tenant, shots.Select((s, i) => ($"shots[{i}].environment.referenceImages", s?.Environment?.ReferenceImages)), errors, ct);
        // Another tenant's music gets the same answer as a hash that exists nowhere.
        if (spec.Music?.Asset is { } music && ArtifactStore.IsHash(music) && !(await assets.OwnedAsync(tenant, [music], ct)).Contains(music))
            errors.Add(new("music.asset", "film.music_asset_not_found", "No upload, clip or film of yours has this hash."));

        return (spec with { Style = style, Characters = spec.Characters is null ? null : characters, Environment = environment, Shots = spec.Shots is null ? null : shots }, errors);
    }

    /// <summary>Every referenced image must be one of this tenant's uploads.</summary>
    private async Task CheckImagesAsync(Guid tenant, IEnumerable<(string Field, IReadOnlyList<string>? Hashes)> references, List<FieldError> errors, CancellationToken ct)
    {
        foreach (var (field, hashes) in references)
        {
            foreach (var (hash, i) in (hashes ?? []).Select((h, i) => (h, i)))
            {
                if (!ArtifactStore.IsHash(hash) || await images.FindAsync(tenant, hash, ct) is null)
                    errors.Add(new($"{field}[{i}]", "film.reference_image_unknown", $"'{hash}' is not one of your uploaded images (POST /v1/images)."));
            }
        }
    }

    private async Task<EnvironmentSpec?> ResolveEnvironmentAsync(Guid tenant, EnvironmentSpec? environment, string field, List<FieldError> errors, CancellationToken ct)
    {
        if (environment?.Id is not { } id) return environment;
        var definition = await FindAsync<EnvironmentSpec>(tenant, LibraryKinds.Environments.Kind, id, ct);
        if (definition is null) errors.Add(new(field, "film.environment_not_found", $"No environment '{id}' in the library."));
        return Overlay(definition, environment with { Id = null });
    }

    private async Task<T?> FindAsync<T>(Guid tenant, string kind, string id, CancellationToken ct) where T : class =>
        Guid.TryParse(id, out var guid) ? (await library.FindAsync<T>(tenant, kind, guid, ct))?.Item : null;

    /// <summary>Templates and style packs are named like the built-in ones, or given by their library id.</summary>
    private async Task<T?> FindByIdOrNameAsync<T>(Guid tenant, string kind, string idOrName, CancellationToken ct) where T : class =>
        await FindAsync<T>(tenant, kind, idOrName, ct) ?? (await library.FindByNameAsync<T>(tenant, kind, idOrName, ct))?.Item;

    /// <summary>The definition with every non-null field of <paramref name="local"/> written over it.</summary>
    public static T Overlay<T>(T? definition, T local) where T : class
    {
        if (definition is null) return local;
        var merged = JsonSerializer.SerializeToNode(definition, JsonSerializerOptions.Web)!.AsObject();
        foreach (var (key, value) in JsonSerializer.SerializeToNode(local, JsonSerializerOptions.Web)!.AsObject())
        {
            if (value is not null) merged[key] = value.DeepClone();
        }
        return merged.Deserialize<T>(JsonSerializerOptions.Web)!;
    }
}
