using Ministudio.Platform;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Library;

/// <summary>How one kind of library item is named, stored and checked.</summary>
public sealed record LibraryKind<T>(string Kind, string Route, Func<T, string?> NameOf, Func<T, T> WithoutId, Func<T, IReadOnlyList<FieldError>> Validate);

public static class LibraryKinds
{
    public static readonly LibraryKind<CharacterSpec> Characters = new(
        "character", "characters", c => c.Name, c => c with { Id = null }, c => FilmValidator.ValidateCharacter(c, ""));

    public static readonly LibraryKind<EnvironmentSpec> Environments = new(
        "environment", "environments", e => e.Location, e => e with { Id = null }, e => FilmValidator.ValidateEnvironment(e, "", requireLocation: true));

    public static readonly LibraryKind<StyleSpec> Styles = new(
        "style", "styles", s => s.Name, s => s with { Id = null }, s => FilmValidator.ValidateStyle(s, "", requireName: true));
}
