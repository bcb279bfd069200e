using Ministudio.Platform;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Library;

/// <summary>Where a library item is checked: whose library, and the resolver that reads it.</summary>
public sealed record LibraryCheck(Guid Tenant, FilmResolver Resolver, CancellationToken Ct);

/// <summary>
/// How one kind of library item is named, stored and checked; <c>IsBuiltIn</c> names the read-only built-in items of
/// the kind (templates, style packs), whose names a tenant's items may not take.
/// </summary>
public sealed record LibraryKind<T>(
    string Kind, string Route, Func<T, string?> NameOf, Func<T, T> WithoutId,
    Func<T, LibraryCheck, ValueTask<IReadOnlyList<FieldError>>> Validate, Func<string, bool>? IsBuiltIn = null);

public static class LibraryKinds
{
    public static readonly LibraryKind<CharacterSpec> Characters = new(
        "character", "characters", c => c.Name, c => c with { Id = null }, Checked<CharacterSpec>(c => FilmValidator.ValidateCharacter(c, "")));

    public static readonly LibraryKind<EnvironmentSpec> Environments = new(
        "environment", "environments", e => e.Location, e => e with { Id = null }, Checked<EnvironmentSpec>(e => FilmValidator.ValidateEnvironment(e, "", requireLocation: true)));

    /// <summary>A tenant's styles are its style packs: a film names one by id or by name, like a built-in pack.</summary>
    public static readonly LibraryKind<StyleSpec> Styles = new(
        "style", "styles", s => s.Name, s => s with { Id = null }, Checked<StyleSpec>(s => FilmValidator.ValidateStyle(s, "", requireName: true)),
        name => StylePacks.BuiltIn.ContainsKey(name.Trim()));

    /// <summary>A tenant's film templates: checked like a film when saved, used like a built-in template.</summary>
    public static readonly LibraryKind<TemplateSpec> Templates = new(
        "template", "templates", t => t.Name, t => t, (t, check) => check.Resolver.ValidateTemplateAsync(check.Tenant, t, check.Ct), FilmTemplates.IsBuiltIn);

    private static Func<T, LibraryCheck, ValueTask<IReadOnlyList<FieldError>>> Checked<T>(Func<T, IReadOnlyList<FieldError>> validate) =>
        (item, _) => ValueTask.FromResult(validate(item));
}
