using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Library;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// CRUD for the studio library under /v1/characters, /v1/environments, /v1/styles (the tenant's style packs) and
/// /v1/templates; the catalogue of templates lists the built-in ones (read-only) with the tenant's own.
/// </summary>
public static class LibraryApi
{
    public static IEndpointRouteBuilder MapLibraryApi(this IEndpointRouteBuilder app)
    {
        MapKind(app, LibraryKinds.Characters);
        MapKind(app, LibraryKinds.Environments);
        MapKind(app, LibraryKinds.Styles);
        MapKind(app, LibraryKinds.Templates, listed: false);

        // The tenant's own packs are its styles (GET /v1/styles): this stays a static catalogue (the benchmarks' cheap peer).
        app.MapGet("/style-packs", () => TypedResults.Ok(StylePacks.BuiltIn)).WithTags("Library");

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
        ProblemCode[] readOnly = kind.IsBuiltIn is null ? [] : [ProblemCodes.LibraryBuiltInReadOnly];

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
        }).DescribesBody<T>().ProducesProblems([ProblemCodes.LibraryNameTaken, .. readOnly, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge]);

        if (listed)
        {
            group.MapGet("/", async Task<Ok<IReadOnlyList<LibraryItem<T>>>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
                TypedResults.Ok(await store.ListAsync<T>(TenantFilter.TenantOf(context), kind.Kind, ct)));
        }

        // Kinds with built-ins take a built-in's name where an id goes, so a write to one is told it is read-only.
        var item = kind.IsBuiltIn is null ? "/{id:guid}" : "/{id}";

        group.MapGet(item, async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (string id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            Guid.TryParse(id, out var guid) && await store.FindAsync<T>(TenantFilter.TenantOf(context), kind.Kind, guid, ct) is { } found
                ? TypedResults.Ok(found)
                : Missing(kind)).ProducesProblems(ProblemCodes.LibraryNotFound);

        group.MapPut(item, async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (string id, HttpContext context, LibraryStore store, FilmResolver resolver, CancellationToken ct) =>
        {
            if (!Guid.TryParse(id, out var guid)) return BuiltInOrMissing(kind, id);
            var tenant = TenantFilter.TenantOf(context);
            var (body, problem) = await JsonBody.ReadAsync<T>(context, $"a {kind.Kind}", ct);
            if (problem is not null) return problem;
            if (await kind.Validate(body!, new(tenant, resolver, ct)) is { Count: > 0 } errors) return ApiProblems.Validation(errors);
            if (kind.IsBuiltIn?.Invoke(kind.NameOf(body!)!) == true) return BuiltIn(kind, kind.NameOf(body!)!);
            var (outcome, replaced) = await store.ReplaceAsync(tenant, kind.Kind, guid, kind.NameOf(body!)!.Trim(), kind.WithoutId(body!), ct);
            return outcome switch
            {
                LibraryStore.SaveOutcome.Saved => TypedResults.Ok(replaced!),
                LibraryStore.SaveOutcome.NotFound => Missing(kind),
                _ => NameTaken(kind, kind.NameOf(body!)!),
            };
        }).DescribesBody<T>().ProducesProblems([ProblemCodes.LibraryNotFound, ProblemCodes.LibraryNameTaken, .. readOnly, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge]);

        group.MapDelete(item, async Task<Results<NoContent, ProblemHttpResult>> (string id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            !Guid.TryParse(id, out var guid) ? BuiltInOrMissing(kind, id)
            : await store.DeleteAsync(TenantFilter.TenantOf(context), kind.Kind, guid, ct) ? TypedResults.NoContent()
            : Missing(kind)).ProducesProblems([ProblemCodes.LibraryNotFound, .. readOnly]);
    }

    private static ProblemHttpResult BuiltInOrMissing<T>(LibraryKind<T> kind, string name) =>
        kind.IsBuiltIn?.Invoke(name) == true ? BuiltIn(kind, name) : Missing(kind);

    private static ProblemHttpResult Missing<T>(LibraryKind<T> kind) =>
        ApiProblems.Problem(ProblemCodes.LibraryNotFound, title: $"No such {kind.Kind}.");

    private static ProblemHttpResult BuiltIn<T>(LibraryKind<T> kind, string name) =>
        ApiProblems.Problem(ProblemCodes.LibraryBuiltInReadOnly, title: $"'{name.Trim()}' is a built-in {kind.Kind}: it is read-only; save yours under another name.");

    private static ProblemHttpResult NameTaken<T>(LibraryKind<T> kind, string name) =>
        ApiProblems.Problem(ProblemCodes.LibraryNameTaken, title: $"A {kind.Kind} named '{name.Trim()}' exists already.");
}
