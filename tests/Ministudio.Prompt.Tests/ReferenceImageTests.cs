using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Prompt.Films;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>Reference images: uploads per tenant, checked by their bytes, and how each vendor receives them.</summary>
public sealed class ReferenceImageTests : IAsyncLifetime
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static ByteArrayContent Image(byte[] bytes, string contentType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return content;
    }

    private static byte[] Png(int size) => [.. PngSignature, .. Enumerable.Range(0, size).Select(i => (byte)(i * 7))];

    [Fact]
    public async Task Images_are_stored_by_hash_and_visible_only_to_their_tenant()
    {
        var owner = _app.ClientFor(_app.Acme);
        var bytes = Png(2048);
        var uploaded = await owner.PostAsync("/v1/images", Image(bytes, "image/png"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var sha = (await uploaded.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["sha256"]!.GetValue<string>();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), sha);

        Assert.Equal(bytes, await owner.GetByteArrayAsync($"/v1/images/{sha}", TestContext.Current.CancellationToken));
        var foreign = await _app.ClientFor(_app.Globex).GetAsync($"/v1/images/{sha}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("image.not_found", await Problems.CodeOf(foreign));
    }

    [Theory]
    [InlineData("image/png", "not a png at all", HttpStatusCode.BadRequest, "image.content_mismatch")]
    [InlineData("image/gif", "GIF89a", HttpStatusCode.UnsupportedMediaType, "image.type_unsupported")]
    [InlineData("image/webp", "RIFF....AVI ", HttpStatusCode.BadRequest, "image.content_mismatch")]
    public async Task Uploads_that_are_not_what_they_claim_are_refused(string contentType, string body, HttpStatusCode status, string code)
    {
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/images", Image(System.Text.Encoding.ASCII.GetBytes(body), contentType), TestContext.Current.CancellationToken);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Oversized_uploads_are_refused_with_413()
    {
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/images", Image(Png(11 * 1024 * 1024), "image/png"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("image.too_large", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Films_may_reference_only_their_tenants_images()
    {
        var owner = _app.ClientFor(_app.Acme);
        var uploaded = await owner.PostAsync("/v1/images", Image(Png(64), "image/png"), TestContext.Current.CancellationToken);
        var sha = (await uploaded.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["sha256"]!.GetValue<string>();
        var film = FilmSamples.ThreeShots() with { Characters = [FilmSamples.Mira with { ReferenceImages = [sha] }, FilmSamples.Theo] };

        var compiled = await owner.PostAsJsonAsync("/v1/films:compile", film, TestContext.Current.CancellationToken);
        var shot = (await compiled.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["shots"]![0]!;
        Assert.Equal([sha], shot["request"]!["referenceImages"]!.AsArray().Select(h => h!.GetValue<string>()));

        var foreign = await _app.ClientFor(_app.Globex).PostAsJsonAsync("/v1/films:compile", film, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Equal("film.reference_image_unknown", await Problems.CodeOf(foreign));
    }

    [Fact]
    public void Each_vendor_gets_reference_images_its_way()
    {
        var refs = Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 64)).ToList();
        var film = FilmSamples.ThreeShots() with { Characters = [FilmSamples.Mira with { ReferenceImages = refs }, FilmSamples.Theo] };

        // Veo: a first frame or references, not both. The chain's first shot keeps its references (trimmed to 3);
        // a continuing shot keeps its first frame and says why the references went.
        var veo = PromptCompiler.Compile(film with { Provider = "veo" });
        Assert.Equal(refs[..3], veo.Shots[0].Request.ReferenceImages);
        Assert.Null(veo.Shots[2].Request.ReferenceImages);
        Assert.Contains(veo.Warnings, w => w is { Shot: 2, Code: "reference_images.first_frame_chosen" });
        Assert.Contains(veo.Warnings, w => w is { Shot: 0, Code: "reference_images.trimmed" });

        // Runway's video endpoints take none (and say so); MiniMax conditions on one.
        var runway = PromptCompiler.Compile(film with { Provider = "runway" });
        Assert.Null(runway.Shots[2].Request.ReferenceImages);
        Assert.Contains(runway.Warnings, w => w is { Shot: 0, Code: "reference_images.unsupported" });
        Assert.Equal(refs[..1], PromptCompiler.Compile(film with { Provider = "minimax" }).Shots[0].Request.ReferenceImages);
        // Theo has no references: his shot carries none.
        Assert.Null(PromptCompiler.Compile(film).Shots[1].Request.ReferenceImages);
    }
}
