using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Library;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// CRUD for the studio library under /v1/characters, /v1/environments, /v1/styles and /v1/templates; the catalogues of
/// style packs and templates list the built-in ones (read-only) with the tenant's own.
/// </summary>
public static class LibraryApi
{
    public static IEndpointRouteBuilder MapLibraryApi(this IEndpointRouteBuilder app)
    {
        MapKind(app, LibraryKinds.Characters);
        MapKind(app, LibraryKinds.Environments);
        MapKind(app, LibraryKinds.Styles);
        MapKind(app, LibraryKinds.Templates, listed: false);

        app.MapGet("/style-packs", async Task<Ok<IReadOnlyDictionary<string, StyleSpec>>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
        {
            var packs = new Dictionary<string, StyleSpec>(StylePacks.BuiltIn, StringComparer.OrdinalIgnoreCase);
            foreach (var own in await store.ListAsync<StyleSpec>(TenantFilter.TenantOf(context), LibraryKinds.Styles.Kind, ct))
                packs.TryAdd(own.Name, own.Item with { Id = own.Id.ToString() });
            return TypedResults.Ok<IReadOnlyDictionary<string, StyleSpec>>(packs);
        }).WithTags("Library");

        app.MapGet("/templates", async Task<Ok<IReadOnlyDictionary<string, TemplateListing>>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
        {
            var templates = FilmTemplates.BuiltIn.ToDictionary(t => t.Key, t => TemplateListing.Of(null, t.Value));
            foreach (var own in await store.ListAsync<TemplateSpec>(TenantFilter.TenantOf(context), LibraryKinds.Templates.Kind, ct))
                templates.TryAdd(own.Name, TemplateListing.Of(own.Id, own.Item.ToTemplate()));
            return TypedResults.Ok<IReadOnlyDictionary<string, TemplateListing>>(templates);
        }).WithTags("Library");
        return app;
    }

    /// <summary>A template in the catalogue: <c>Id</c> is the tenant's library id, null for a built-in one.</summary>
    public sealed record TemplateListing(Guid? Id, bool BuiltIn, string Description, IReadOnlyDictionary<string, string> Fields, IReadOnlyDictionary<string, string>? Defaults, JsonObject Film)
    {
        public static TemplateListing Of(Guid? id, FilmTemplate template) =>
            new(id, id is null, template.Description, template.Fields, template.Defaults, template.Film);
    }

    /// <summary>The kind's CRUD routes; <paramref name="listed"/> is false where a catalogue lists the kind instead.</summary>
    private static void MapKind<T>(IEndpointRouteBuilder app, LibraryKind<T> kind, bool listed = true) where T : class
    {
        var group = app.MapGroup($"/{kind.Route}").WithTags("Library");

        group.MapPost("/", async Task<Results<Created<LibraryItem<T>>, ProblemHttpResult>> (HttpContext context, LibraryStore store, FilmResolver resolver, CancellationToken ct) =>
        {
            var tenant = TenantFilter.TenantOf(context);
            var (item, problem) = await JsonBody.ReadAsync<T>(context, $"a {kind.Kind}", ct);
            if (problem is not null) return problem;
            if (await kind.Validate(item!, new(tenant, resolver, ct)) is { Count: > 0 } errors) return ApiProblems.Validation(errors);
            if (kind.IsBuiltIn?.Invoke(kind.NameOf(item!)!) == true) return BuiltIn(kind, kind.NameOf(item!)!);
            var (outcome, created) = await store.CreateAsync(tenant, kind.Kind, kind.NameOf(item!)!.Trim(), kind.WithoutId(item!), ct);
            return outcome == LibraryStore.SaveOutcome.Saved
                ? TypedResults.Created($"/v1/{kind.Route}/{created!.Id}", created)
                : NameTaken(kind, kind.NameOf(item!)!);
        }).DescribesBody<T>().ProducesProblems(ProblemCodes.LibraryNameTaken, ProblemCodes.LibraryBuiltInReadOnly, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);

        if (listed)
        {
            group.MapGet("/", async Task<Ok<IReadOnlyList<LibraryItem<T>>>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.ListAsync<T>(TenantFilter.TenantOf(context), kind.Kind, ct)));
        }

        group.MapGet("/{id:guid}", async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            await store.FindAsync<T>(TenantFilter.TenantOf(context), kind.Kind, id, ct) is { } item
                ? TypedResults.Ok(item)
                : Missing(kind)).ProducesProblems(ProblemCodes.LibraryNotFound);

        group.MapPut("/{id:guid}", async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, FilmResolver resolver, CancellationToken ct) =>
        {
            var tenant = TenantFilter.TenantOf(context);
            var (item, problem) = await JsonBody.ReadAsync<T>(context, $"a {kind.Kind}", ct);
            if (problem is not null) return problem;
            if (await kind.Validate(item!, new(tenant, resolver, ct)) is { Count: > 0 } errors) return ApiProblems.Validation(errors);
            if (kind.IsBuiltIn?.Invoke(kind.NameOf(item!)!) == true) return BuiltIn(kind, kind.NameOf(item!)!);
            var (outcome, replaced) = await store.ReplaceAsync(tenant, kind.Kind, id, kind.NameOf(item!)!.Trim(), kind.WithoutId(item!), ct);
            return outcome switch
            {
                LibraryStore.SaveOutcome.Saved => TypedResults.Ok(replaced!),
                LibraryStore.SaveOutcome.NotFound => Missing(kind),
                _ => NameTaken(kind, kind.NameOf(item!)!),
            };
        }).DescribesBody<T>().ProducesProblems(ProblemCodes.LibraryNotFound, ProblemCodes.LibraryNameTaken, ProblemCodes.LibraryBuiltInReadOnly, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            await store.DeleteAsync(TenantFilter.TenantOf(context), kind.Kind, id, ct)
                ? TypedResults.NoContent()
                : Missing(kind)).ProducesProblems(ProblemCodes.LibraryNotFound);

        if (kind.IsBuiltIn is { } isBuiltIn)
        {
            // A built-in is addressed by its name: it can be read from the catalogue, never replaced or deleted.
            ProblemHttpResult ReadOnly(string builtInName) => isBuiltIn(builtInName) ? BuiltIn(kind, builtInName) : Missing(kind);
            group.MapPut("/{builtInName}", (string builtInName) => ReadOnly(builtInName))
                .ProducesProblems(ProblemCodes.LibraryBuiltInReadOnly, ProblemCodes.LibraryNotFound);
            group.MapDelete("/{builtInName}", (string builtInName) => ReadOnly(builtInName))
                .ProducesProblems(ProblemCodes.LibraryBuiltInReadOnly, ProblemCodes.LibraryNotFound);
        }
    }

    private static ProblemHttpResult Missing<T>(LibraryKind<T> kind) =>
        ApiProblems.Problem(ProblemCodes.LibraryNotFound, title: $"No such {kind.Kind}.");

    private static ProblemHttpResult BuiltIn<T>(LibraryKind<T> kind, string name) =>
        ApiProblems.Problem(ProblemCodes.LibraryBuiltInReadOnly, title: $"'{name.Trim()}' is a built-in {kind.Kind}: it is read-only; save yours under another name.");

    private static ProblemHttpResult NameTaken<T>(LibraryKind<T> kind, string name) =>
        ApiProblems.Problem(ProblemCodes.LibraryNameTaken, title: $"A {kind.Kind} named '{name.Trim()}' exists already.");
}
