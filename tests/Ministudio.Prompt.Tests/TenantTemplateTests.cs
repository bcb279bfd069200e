using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The checks a tenant's template passes before it is saved, on the template alone.</summary>
public sealed class TemplateShapeTests
{
    internal static JsonObject Promo(string name = "Our promo") => new()
    {
        ["name"] = name,
        ["description"] = "A one-shot product promo.",
        ["fields"] = new JsonObject { ["product"] = "The product's name", ["tagline"] = "The closing line" },
        ["defaults"] = new JsonObject { ["tagline"] = "Made to last." },
        ["film"] = new JsonObject
        {
            ["title"] = "{{product}} promo",
            ["aspectRatio"] = "16:9",
            ["shots"] = new JsonArray(
                new JsonObject { ["action"] = "A hand lifts {{product}} into the light", ["durationSeconds"] = 3, ["shotType"] = "CU", ["camera"] = "push-in" },
                new JsonObject { ["action"] = "{{product}} on a table; a card beside it reads '{{tagline}}'", ["durationSeconds"] = 3, ["shotType"] = "MS", ["camera"] = "static" }),
        },
    };

    private static IReadOnlyList<FieldError> Check(JsonObject template) =>
        FilmTemplates.ValidateShape(template.Deserialize<TemplateSpec>(JsonSerializerOptions.Web)!);

    [Fact]
    public void Every_built_in_template_passes_the_checks_a_tenants_template_must_pass()
    {
        foreach (var (name, template) in FilmTemplates.BuiltIn)
            Assert.Empty(FilmTemplates.ValidateShape(new TemplateSpec(name, template.Description, template.Fields, template.Defaults, template.Film)));
        Assert.Empty(Check(Promo()));
    }

    [Fact]
    public void Undeclared_unused_malformed_and_badly_named_fields_are_each_refused_where_they_are()
    {
        var template = Promo();
        template["film"]!["shots"]![1]!["action"] = "{{product}} beside {{price}} and {{ tagline }}";
        template["fields"]!["Bad-Name"] = "?";
        template["defaults"]!["colour"] = "red";
        var errors = Check(template);
        Assert.Contains(errors, e => e is { Code: "template.field_undeclared", Field: "film.shots[1].action" } && e.Message.Contains("{{price}}"));
        Assert.Contains(errors, e => e is { Code: "template.merge_field_malformed", Field: "film.shots[1].action" });
        Assert.Contains(errors, e => e is { Code: "template.field_unused", Field: "fields.tagline" });
        Assert.Contains(errors, e => e is { Code: "template.field_name_invalid", Field: "fields.Bad-Name" });
        Assert.Contains(errors, e => e is { Code: "template.default_unknown", Field: "defaults.colour" });

        Assert.Equal(["template.name_required", "template.film_required"],
            Check(new JsonObject { ["name"] = " ", ["fields"] = new JsonObject() }).Select(e => e.Code));
    }

    [Fact]
    public void A_tenants_template_renders_through_the_same_path_and_its_values_never_change_the_structure()
    {
        var template = Promo().Deserialize<TemplateSpec>(JsonSerializerOptions.Web)!.ToTemplate();
        const string hostile = "x\", \"provider\": \"veo\", \"aspectRatio\": \"1:1";
        var (film, errors) = FilmTemplates.Render("Our promo", template, new Dictionary<string, string> { ["product"] = hostile });
        Assert.Empty(errors);
        Assert.Equal("16:9", film!.AspectRatio);
        Assert.Null(film.Provider);
        Assert.Equal($"{hostile} promo", film.Title);
        Assert.Equal($"{hostile} on a table; a card beside it reads 'Made to last.'", film.Shots![1].Action);

        Assert.Equal("template.value_missing", Assert.Single(FilmTemplates.Render("Our promo", template, null).Errors).Code);
        Assert.Equal("template.value_unknown", FilmTemplates.Render("Our promo", template, new Dictionary<string, string> { ["product"] = "p", ["price"] = "9" }).Errors.Single().Code);
    }
}

/// <summary>Tenants' own templates and style packs through the API: CRUD, isolation, read-only built-ins, films made from them.</summary>
public sealed class TenantTemplateApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static async Task<Guid> IdOfAsync(HttpResponseMessage created)
    {
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Ct));
        return (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
    }

    [Fact]
    public async Task A_template_is_saved_read_listed_replaced_and_deleted_and_other_tenants_never_see_it()
    {
        var client = _app.ClientFor(_app.Acme);
        var created = await client.PostAsJsonAsync("/v1/templates", TemplateShapeTests.Promo(), Ct);
        var id = await IdOfAsync(created);
        Assert.Equal($"/v1/templates/{id}", created.Headers.Location!.OriginalString);

        var read = await client.GetFromJsonAsync<JsonObject>($"/v1/templates/{id}", Ct);
        Assert.Equal("Our promo", read!["name"]!.GetValue<string>());
        Assert.Equal("{{product}} promo", read["item"]!["film"]!["title"]!.GetValue<string>());

        var catalogue = (await client.GetFromJsonAsync<JsonObject>("/v1/templates", Ct))!;
        Assert.Equal(id, catalogue["Our promo"]!["id"]!.GetValue<Guid>());
        Assert.False(catalogue["Our promo"]!["builtIn"]!.GetValue<bool>());
        Assert.True(catalogue["explainer"]!["builtIn"]!.GetValue<bool>());
        Assert.Null(catalogue["explainer"]!["id"]);

        var duplicate = await client.PostAsJsonAsync("/v1/templates", TemplateShapeTests.Promo(), Ct);
        Assert.Equal("library.name_taken", await Problems.CodeOf(duplicate));

        var changed = TemplateShapeTests.Promo();
        changed["description"] = "Reworded.";
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync($"/v1/templates/{id}", changed, Ct)).StatusCode);
        Assert.Equal("Reworded.", (await client.GetFromJsonAsync<JsonObject>($"/v1/templates/{id}", Ct))!["item"]!["description"]!.GetValue<string>());

        var stranger = _app.ClientFor(_app.Globex);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/templates/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/v1/templates/{id}", changed, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/v1/templates/{id}", Ct)).StatusCode);
        Assert.False((await stranger.GetFromJsonAsync<JsonObject>("/v1/templates", Ct))!.ContainsKey("Our promo"));
        foreach (var reference in new[] { "Our promo", id.ToString() })
        {
            var foreign = await stranger.PostAsJsonAsync("/v1/films:compile", new { template = reference, values = new { product = "Lamp" } }, Ct);
            Assert.Equal("template.unknown", await Problems.CodeOf(foreign));
        }

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/templates/{id}", Ct)).StatusCode);
        Assert.Equal("library.not_found", await Problems.CodeOf(await client.GetAsync($"/v1/templates/{id}", Ct)));
        var gone = await client.PostAsJsonAsync("/v1/films:compile", new { template = "Our promo", values = new { product = "Lamp" } }, Ct);
        Assert.Equal("template.unknown", await Problems.CodeOf(gone));
    }

    [Fact]
    public async Task A_film_is_made_from_a_tenants_template_by_name_or_id_exactly_like_from_a_built_in_one()
    {
        var client = _app.ClientFor(_app.Acme);
        var mira = await IdOfAsync(await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, Ct));
        var template = TemplateShapeTests.Promo();
        // A template may use the tenant's library: the film it makes is resolved like any other.
        template["film"]!["characters"] = new JsonArray(new JsonObject { ["id"] = mira.ToString() });
        var id = await IdOfAsync(await client.PostAsJsonAsync("/v1/templates", template, Ct));

        foreach (var reference in new[] { "Our promo", id.ToString() })
        {
            var compiled = await client.PostAsJsonAsync("/v1/films:compile", new { template = reference, values = new { product = "Pocket Lamp", tagline = "Light anywhere." } }, Ct);
            Assert.True(compiled.StatusCode == HttpStatusCode.OK, await compiled.Content.ReadAsStringAsync(Ct));
            var shots = (await compiled.Content.ReadFromJsonAsync<JsonObject>(Ct))!["shots"]!.AsArray();
            Assert.Equal(2, shots.Count);
            var prompt = shots[1]!["prompt"]!.GetValue<string>();
            Assert.Contains("Pocket Lamp on a table; a card beside it reads 'Light anywhere.'", prompt);
            Assert.Contains("CHARACTER Mira: hair short silver bob", prompt);
        }

        var missing = await client.PostAsJsonAsync("/v1/films", new { template = "Our promo", values = new { tagline = "x" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("template.value_missing", await Problems.CodeOf(missing));

        var submitted = await client.PostAsJsonAsync("/v1/films", new { template = "Our promo", values = new { product = "Pocket Lamp" } }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal("Pocket Lamp promo", (await submitted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_template_that_would_not_make_a_valid_film_is_refused_when_saved_with_the_film_path_of_each_error()
    {
        var client = _app.ClientFor(_app.Acme);
        var undeclared = TemplateShapeTests.Promo();
        undeclared["film"]!["shots"]![0]!["action"] = "{{product}} costs {{price}}";
        var response = await client.PostAsJsonAsync("/v1/templates", undeclared, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)))
        {
            var error = problem.RootElement.GetProperty("errors")[0];
            Assert.Equal("template.field_undeclared", error.GetProperty("code").GetString());
            Assert.Equal("film.shots[0].action", error.GetProperty("field").GetString());
        }

        var tooLong = TemplateShapeTests.Promo();
        tooLong["film"]!["shots"]![0]!["durationSeconds"] = 10_000;
        response = await client.PostAsJsonAsync("/v1/templates", tooLong, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using (var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)))
            Assert.Contains(problem.RootElement.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString()!.StartsWith("film.shots[0].durationSeconds", StringComparison.Ordinal));

        var unknownCharacter = TemplateShapeTests.Promo();
        unknownCharacter["film"]!["characters"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString() });
        response = await client.PostAsJsonAsync("/v1/templates", unknownCharacter, Ct);
        Assert.Equal("film.character_not_found", await Problems.CodeOf(response));

        var wrongType = TemplateShapeTests.Promo();
        wrongType["film"]!["shots"]![0]!["durationSeconds"] = "three";
        response = await client.PostAsJsonAsync("/v1/templates", wrongType, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        Assert.DoesNotContain((await client.GetFromJsonAsync<JsonObject>("/v1/templates", Ct))!, t => t.Value!["builtIn"]!.GetValue<bool>() is false);
    }

    [Fact]
    public async Task Built_in_templates_and_style_packs_are_read_only_and_their_names_cannot_be_taken()
    {
        var client = _app.ClientFor(_app.Acme);
        async Task AssertReadOnlyAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("library.built_in_read_only", await Problems.CodeOf(response));
        }

        await AssertReadOnlyAsync(await client.PostAsJsonAsync("/v1/templates", TemplateShapeTests.Promo("explainer"), Ct));
        await AssertReadOnlyAsync(await client.PutAsJsonAsync("/v1/templates/explainer", TemplateShapeTests.Promo(), Ct));
        await AssertReadOnlyAsync(await client.DeleteAsync("/v1/templates/product-demo", Ct));
        await AssertReadOnlyAsync(await client.PostAsJsonAsync("/v1/styles", new { name = "Cinematic", traits = new[] { "mine" } }, Ct));
        await AssertReadOnlyAsync(await client.DeleteAsync("/v1/styles/anime", Ct));

        var id = await IdOfAsync(await client.PostAsJsonAsync("/v1/templates", TemplateShapeTests.Promo(), Ct));
        await AssertReadOnlyAsync(await client.PutAsJsonAsync($"/v1/templates/{id}", TemplateShapeTests.Promo("product-demo"), Ct));
        Assert.Equal("library.not_found", await Problems.CodeOf(await client.DeleteAsync("/v1/templates/no-such-template", Ct)));

        // The built-ins are unchanged.
        var catalogue = (await client.GetFromJsonAsync<JsonObject>("/v1/templates", Ct))!;
        Assert.Equal(FilmTemplates.BuiltIn["explainer"].Description, catalogue["explainer"]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tenants_style_is_one_of_its_style_packs_and_a_film_names_it_like_a_built_in_pack()
    {
        var client = _app.ClientFor(_app.Acme);
        var id = await IdOfAsync(await client.PostAsJsonAsync("/v1/styles",
            new { name = "house style", traits = new[] { "ink outlines" }, palette = new[] { "#101010", "#FAFAFA" } }, Ct));

        Assert.Empty((await _app.ClientFor(_app.Globex).GetFromJsonAsync<JsonArray>("/v1/styles", Ct))!);

        foreach (var style in new object[] { new { id = "house style" }, new { name = "house style" }, new { id = id.ToString() } })
        {
            var compiled = await client.PostAsJsonAsync("/v1/films:compile", new { title = "Packed", aspectRatio = "16:9", style, shots = new[] { new { action = "A kettle boils", durationSeconds = 2 } } }, Ct);
            Assert.Equal(HttpStatusCode.OK, compiled.StatusCode);
            Assert.Contains("STYLE: house style, ink outlines", (await compiled.Content.ReadFromJsonAsync<JsonObject>(Ct))!["shots"]![0]!["prompt"]!.GetValue<string>());
        }

        var foreign = await _app.ClientFor(_app.Globex).PostAsJsonAsync("/v1/films:compile",
            new { title = "Packed", aspectRatio = "16:9", style = new { id = "house style" }, shots = new[] { new { action = "A kettle boils", durationSeconds = 2 } } }, Ct);
        Assert.Equal("film.style_not_found", await Problems.CodeOf(foreign));
    }
}
