using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

public sealed class FilmTemplateTests
{
    public static TheoryData<string> Templates => new(FilmTemplates.BuiltIn.Keys.Order());

    [Fact]
    public void The_promised_templates_ship()
    {
        Assert.Superset(new HashSet<string>(["product-demo", "explainer", "lesson-episode", "vertical-short", "square-post", "corporate-training"]),
            FilmTemplates.BuiltIn.Keys.ToHashSet());
        Assert.Equal("9:16", FilmTemplates.BuiltIn["vertical-short"].Film["aspectRatio"]!.GetValue<string>());
        Assert.Equal("1:1", FilmTemplates.BuiltIn["square-post"].Film["aspectRatio"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Templates))]
    public void Every_template_renders_a_valid_film_with_every_value_merged(string name)
    {
        var template = FilmTemplates.BuiltIn[name];
        var values = template.Fields.Keys.ToDictionary(f => f, f => $"value-of-{f}");
        var (film, errors) = FilmTemplates.Render(new TemplatedFilm(name, values));

        Assert.Empty(errors);
        Assert.Empty(FilmValidator.Validate(film!));
        var compiled = PromptCompiler.Compile(film!);
        var text = film!.Title + string.Join("\n", compiled.Shots.Select(s => s.Prompt));
        Assert.DoesNotContain("{{", text);
        Assert.All(values.Values, value => Assert.Contains(value, text));
    }

    [Fact]
    public void Defaults_fill_optional_fields_and_missing_ones_are_named()
    {
        var (film, errors) = FilmTemplates.Render(new TemplatedFilm("product-demo", new Dictionary<string, string> { ["product"] = "Pocket Lamp" }));
        Assert.Null(film);
        Assert.Equal(["values.problem", "values.benefit"], errors.Select(e => e.Field));
        Assert.All(errors, e => Assert.Equal("template.value_missing", e.Code));

        (film, errors) = FilmTemplates.Render(new TemplatedFilm("product-demo", new Dictionary<string, string>
        {
            ["product"] = "Pocket Lamp", ["problem"] = "dark alleys", ["benefit"] = "2000 lumens in your pocket",
        }));
        Assert.Empty(errors);
        Assert.Equal("Sam", film!.Characters![0].Name);
    }

    [Fact]
    public void Unknown_templates_and_fields_are_refused()
    {
        Assert.Equal("template.unknown", Assert.Single(FilmTemplates.Render(new TemplatedFilm("nonesuch", null)).Errors).Code);
        var (_, errors) = FilmTemplates.Render(new TemplatedFilm("square-post", new Dictionary<string, string> { ["subject"] = "a teapot", ["colour"] = "red" }));
        Assert.Equal(("values.colour", "template.value_unknown"), (errors[0].Field, errors[0].Code));
    }

    [Fact]
    public void A_value_cannot_change_the_structure_of_the_film()
    {
        const string hostile = "x\", \"provider\": \"veo\", \"aspectRatio\": \"4:3";
        var (film, errors) = FilmTemplates.Render(new TemplatedFilm("square-post", new Dictionary<string, string> { ["subject"] = hostile }));
        Assert.Empty(errors);
        Assert.Equal("1:1", film!.AspectRatio);
        Assert.Null(film.Provider);
        Assert.Equal($"Post: {hostile}", film.Title);
    }
}

/// <summary>Templates through the API: dry run and submission.</summary>
public sealed class FilmTemplateApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_template_compiles_and_submits_like_a_written_film()
    {
        var client = _app.ClientFor(_app.Acme);
        var body = new { template = "vertical-short", values = new { hook = "You have been peeling garlic wrong", subject = "the garlic jar trick" } };

        var compiled = await client.PostAsJsonAsync("/v1/films:compile", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, compiled.StatusCode);
        var shots = (await compiled.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["shots"]!.AsArray();
        Assert.Equal(720, shots[0]!["request"]!["width"]!.GetValue<int>());
        Assert.Contains("You have been peeling garlic wrong", shots[0]!["prompt"]!.GetValue<string>());

        var submitted = await client.PostAsJsonAsync("/v1/films", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("Short: the garlic jar trick", (await submitted.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["title"]!.GetValue<string>());

        var missing = await client.PostAsJsonAsync("/v1/films", new { template = "vertical-short", values = new { subject = "x" } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using var problem = JsonDocument.Parse(await missing.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("template.value_missing", problem.RootElement.GetProperty("code").GetString());
        Assert.Equal("values.hook", problem.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());

        var catalogue = await client.GetFromJsonAsync<JsonObject>("/v1/templates", TestContext.Current.CancellationToken);
        Assert.True(catalogue!["explainer"]!["fields"]!.AsObject().ContainsKey("topic"));
    }
}
