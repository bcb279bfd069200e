using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The studio library through its API: CRUD, tenant isolation, and films that reference it by id.</summary>
public sealed class LibraryApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Characters_are_created_read_listed_replaced_and_deleted_per_tenant()
    {
        var client = _app.ClientFor(_app.Acme);
        var created = await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["id"]!.GetValue<Guid>();
        Assert.Equal($"/v1/characters/{id}", created.Headers.Location!.OriginalString);

        var read = await client.GetFromJsonAsync<JsonObject>($"/v1/characters/{id}", TestContext.Current.CancellationToken);
        Assert.Equal("short silver bob", read!["item"]!["identity"]!["hair"]!.GetValue<string>());
        Assert.Single((await client.GetFromJsonAsync<JsonArray>("/v1/characters", TestContext.Current.CancellationToken))!);

        var duplicate = await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("library.name_taken", await Problems.CodeOf(duplicate));

        var replaced = await client.PutAsJsonAsync($"/v1/characters/{id}", FilmSamples.Mira with { Identity = FilmSamples.Mira.Identity! with { Hair = "long red hair" } }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("long red hair", (await client.GetFromJsonAsync<JsonObject>($"/v1/characters/{id}", TestContext.Current.CancellationToken))!["item"]!["identity"]!["hair"]!.GetValue<string>());

        var stranger = _app.ClientFor(_app.Globex);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/v1/characters/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync($"/v1/characters/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Empty((await stranger.GetFromJsonAsync<JsonArray>("/v1/characters", TestContext.Current.CancellationToken))!);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/characters/{id}", TestContext.Current.CancellationToken)).StatusCode);
        var gone = await client.GetAsync($"/v1/characters/{id}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("library.not_found", await Problems.CodeOf(gone));
    }

    [Fact]
    public async Task Invalid_library_items_are_coded_400s()
    {
        var client = _app.ClientFor(_app.Acme);
        var nameless = await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira with { Name = " " }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, nameless.StatusCode);
        Assert.Equal("film.character_name_required", await Problems.CodeOf(nameless));

        var badPalette = await client.PostAsJsonAsync("/v1/styles", new { name = "house", palette = new[] { "blue" } }, TestContext.Current.CancellationToken);
        Assert.Equal("film.palette_colour_invalid", await Problems.CodeOf(badPalette));

        var malformed = await client.PostAsync("/v1/environments", new StringContent("{", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        Assert.Equal("request.malformed_json", await Problems.CodeOf(malformed));
    }

    [Fact]
    public async Task A_film_references_library_items_by_id_and_its_own_fields_win()
    {
        var client = _app.ClientFor(_app.Acme);
        var mira = await IdOfAsync(await client.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, TestContext.Current.CancellationToken));
        var shore = await IdOfAsync(await client.PostAsJsonAsync("/v1/environments",
            new { location = "rocky shore", fixedElements = new[] { "the lighthouse" }, weather = "rain" }, TestContext.Current.CancellationToken));
        var house = await IdOfAsync(await client.PostAsJsonAsync("/v1/styles",
            new { name = "house style", traits = new[] { "ink outlines" }, palette = new[] { "#101010", "#FAFAFA" }, negativePrompt = "blur" }, TestContext.Current.CancellationToken));

        var film = new
        {
            title = "By reference",
            aspectRatio = "16:9",
            style = new { id = house.ToString() },
            environment = new { id = shore.ToString(), weather = "fog" },
            characters = new object[] { new { id = mira.ToString(), state = new { emotion = "elated" } } },
            shots = new[] { new { action = "Mira waves", durationSeconds = 2 } },
        };
        var response = await client.PostAsJsonAsync("/v1/films:compile", film, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shot = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["shots"]![0]!;
        var prompt = shot["prompt"]!.GetValue<string>();
        Assert.Contains("CHARACTER Mira: hair short silver bob", prompt);
        Assert.Contains("STATE Mira: emotion elated", prompt);
        Assert.Contains("ENVIRONMENT: rocky shore; always visible: the lighthouse", prompt);
        Assert.Contains("LIGHTING: fog", prompt);
        Assert.Contains("STYLE: house style, ink outlines", prompt);
        Assert.Equal(["#101010", "#FAFAFA"], shot["request"]!["style"]!["palette"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("blur", shot["request"]!["negativePrompt"]!.GetValue<string>());

        // The same ids are unknown to another tenant.
        var foreign = await _app.ClientFor(_app.Globex).PostAsJsonAsync("/v1/films:compile", film, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        using var problem = JsonDocument.Parse(await foreign.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["film.style_not_found", "film.character_not_found", "film.environment_not_found"],
            problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task A_dry_run_compiles_for_a_vendor_without_creating_a_job_and_the_film_can_then_be_submitted()
    {
        var client = _app.ClientFor(_app.Acme);
        var film = FilmSamples.ThreeShots() with { Provider = "veo", Style = new(Id: "anime", null, null, null, null, null) };

        var compiled = await client.PostAsJsonAsync("/v1/films:compile", film, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, compiled.StatusCode);
        var result = (await compiled.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!;
        Assert.Contains("cel-shaded anime style", result["shots"]![0]!["prompt"]!.GetValue<string>());
        Assert.Equal("duration.snapped", result["warnings"]![0]!["code"]!.GetValue<string>());
        Assert.Empty(_app.Harness.Published.Select<Contracts.RenderShot>(TestContext.Current.CancellationToken));

        // Dispatch routes every vendor (and chain), so a film for one is accepted.
        var submitted = await client.PostAsJsonAsync("/v1/films", film, TestContext.Current.CancellationToken);
        Assert.True(submitted.IsSuccessStatusCode, $"{submitted.StatusCode}");

        var packs = await client.GetFromJsonAsync<JsonObject>("/v1/style-packs", TestContext.Current.CancellationToken);
        Assert.True(packs!.ContainsKey("watercolor"));
    }

    [Fact]
    public async Task The_film_options_come_from_the_cinematography_catalogue_the_grades_and_the_video_formats()
    {
        var options = (await _app.ClientFor(_app.Acme).GetFromJsonAsync<JsonObject>("/v1/film-options", TestContext.Current.CancellationToken))!;
        string[] Names(string key) => options[key]!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

        Assert.Equal(Films.Cinematography.Catalogue.CameraMoves.Keys, Names("cameraMoves"));
        Assert.Equal(Films.Cinematography.Catalogue.ShotTypes.Keys, Names("shotTypes"));
        Assert.Equal(Films.Cinematography.Catalogue.Profiles.Keys, Names("profiles"));
        Assert.Equal(Contracts.ColourGrades.All.Keys, Names("colourGrades"));
        Assert.Equal(Films.VideoFormats.AspectRatios, Names("aspectRatios"));
        Assert.Equal(Films.VideoFormats.MaxShotSeconds, options["limits"]!["maxShotSeconds"]!.GetValue<double>());
        Assert.Equal(Films.VideoFormats.MaxShots, options["limits"]!["maxShots"]!.GetValue<int>());
        Assert.Contains("rack-focus", Names("cameraMoves"));
    }

    [Fact]
    public async Task The_provider_choices_come_from_the_catalogue_and_every_one_compiles()
    {
        var ct = TestContext.Current.CancellationToken;
        var client = _app.ClientFor(_app.Acme);

        var choices = await client.GetFromJsonAsync<JsonObject>("/v1/providers", ct);

        var chains = choices!["chains"]!.AsArray().Select(c => c!.GetValue<string>()).ToList();
        var vendors = choices["vendors"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Equal(Contracts.Vendors.VendorCatalogue.Shipped.Chains.Keys.Order(), chains.Order());
        Assert.Contains("veo", vendors);
        Assert.Contains("mock", vendors);
        foreach (var provider in chains.Concat(vendors))
        {
            using var compiled = await client.PostAsJsonAsync("/v1/films:compile", FilmSamples.ThreeShots() with { Provider = provider }, ct);
            Assert.True(compiled.IsSuccessStatusCode, $"{provider}: {await compiled.Content.ReadAsStringAsync(ct)}");
        }
        // What the list leaves out is exactly what a film may not name: the retired vendors.
        var unlisted = Contracts.Vendors.VendorCatalogue.Shipped.Vendors.Keys.Except(vendors).ToList();
        Assert.Contains("sora", unlisted);
        foreach (var provider in unlisted)
        {
            using var compiled = await client.PostAsJsonAsync("/v1/films:compile", FilmSamples.ThreeShots() with { Provider = provider }, ct);
            Assert.Equal(HttpStatusCode.BadRequest, compiled.StatusCode);
            Assert.Contains("provider.retired", await compiled.Content.ReadAsStringAsync(ct));
        }
    }

    private static async Task<Guid> IdOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<Guid>();
    }
}
