using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Library;

namespace Ministudio.Prompt.Apis;

/// <summary>CRUD for the studio library under /v1/characters, /v1/environments and /v1/styles (plus the built-in style packs).</summary>
public static class LibraryApi
{
    public static IEndpointRouteBuilder MapLibraryApi(this IEndpointRouteBuilder app)
    {
        MapKind(app, LibraryKinds.Characters);
        MapKind(app, LibraryKinds.Environments);
        MapKind(app, LibraryKinds.Styles);
        app.MapGet("/style-packs", () => TypedResults.Ok(StylePacks.BuiltIn)).WithTags("Library");
        app.MapGet("/templates", () => TypedResults.Ok(FilmTemplates.BuiltIn)).WithTags("Library");
        return app;
    }

    private static void MapKind<T>(IEndpointRouteBuilder app, LibraryKind<T> kind) where T : class
    {
        var group = app.MapGroup($"/{kind.Route}").WithTags("Library");

        group.MapPost("/", async Task<Results<Created<LibraryItem<T>>, ProblemHttpResult>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
        {
            var tenant = TenantFilter.TenantOf(context);
            var (item, problem) = await JsonBody.ReadAsync<T>(context, $"a {kind.Kind}", ct);
            if (problem is not null) return problem;
            if (kind.Validate(item!) is { Count: > 0 } errors) return ApiProblems.Validation(errors);
            var (outcome, created) = await store.CreateAsync(tenant, kind.Kind, kind.NameOf(item!)!.Trim(), kind.WithoutId(item!), ct);
            return outcome == LibraryStore.SaveOutcome.Saved
                ? TypedResults.Created($"/v1/{kind.Route}/{created!.Id}", created)
                : NameTaken(kind, kind.NameOf(item!)!);
        }).DescribesBody<T>().ProducesProblems(ProblemCodes.LibraryNameTaken, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);

        group.MapGet("/", async Task<Ok<IReadOnlyList<LibraryItem<T>>>> (HttpContext context, LibraryStore store, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync<T>(TenantFilter.TenantOf(context), kind.Kind, ct)));

        group.MapGet("/{id:guid}", async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            await store.FindAsync<T>(TenantFilter.TenantOf(context), kind.Kind, id, ct) is { } item
                ? TypedResults.Ok(item)
                : Missing(kind)).ProducesProblems(ProblemCodes.LibraryNotFound);

        group.MapPut("/{id:guid}", async Task<Results<Ok<LibraryItem<T>>, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, CancellationToken ct) =>
        {
            var tenant = TenantFilter.TenantOf(context);
            var (item, problem) = await JsonBody.ReadAsync<T>(context, $"a {kind.Kind}", ct);
            if (problem is not null) return problem;
            if (kind.Validate(item!) is { Count: > 0 } errors) return ApiProblems.Validation(errors);
            var (outcome, replaced) = await store.ReplaceAsync(tenant, kind.Kind, id, kind.NameOf(item!)!.Trim(), kind.WithoutId(item!), ct);
            return outcome switch
            {
                LibraryStore.SaveOutcome.Saved => TypedResults.Ok(replaced!),
                LibraryStore.SaveOutcome.NotFound => Missing(kind),
                _ => NameTaken(kind, kind.NameOf(item!)!),
            };
        }).DescribesBody<T>().ProducesProblems(ProblemCodes.LibraryNotFound, ProblemCodes.LibraryNameTaken, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);

        group.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext context, LibraryStore store, CancellationToken ct) =>
            await store.DeleteAsync(TenantFilter.TenantOf(context), kind.Kind, id, ct)
                ? TypedResults.NoContent()
                : Missing(kind)).ProducesProblems(ProblemCodes.LibraryNotFound);
    }

    private static ProblemHttpResult Missing<T>(LibraryKind<T> kind) =>
        ApiProblems.Problem(ProblemCodes.LibraryNotFound, title: $"No such {kind.Kind}.");

    private static ProblemHttpResult NameTaken<T>(LibraryKind<T> kind, string name) =>
        ApiProblems.Problem(ProblemCodes.LibraryNameTaken, title: $"A {kind.Kind} named '{name.Trim()}' exists already.");
}
