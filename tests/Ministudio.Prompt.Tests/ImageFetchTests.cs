using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>POST /v1/images:fetch: reference images by URL, downloaded only through the SSRF guard.</summary>
public sealed class ImageFetchTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 500).Select(i => (byte)i)];
    private PromptApp _app = null!;
    private WebApplication _images = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await PromptApp.StartAsync(new Dictionary<string, string> { ["Networking:Ssrf:AllowLoopback"] = "true" });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _images = builder.Build();
        _images.MapGet("/portrait.png", () => Results.Bytes(Png, "image/png"));
        _images.MapGet("/moved.png", () => Results.Redirect("/portrait.png"));
        _images.MapGet("/to-metadata.png", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        _images.MapGet("/page.html", () => Results.Text("<html></html>", "text/html"));
        _images.MapGet("/fake.png", () => Results.Bytes("GIF89a not a png"u8.ToArray(), "image/png"));
        _images.MapGet("/huge.png", () => Results.Bytes([.. Png, .. new byte[11 * 1024 * 1024]], "image/png"));
        _images.MapGet("/missing.png", () => Results.NotFound());
        await _images.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _images.DisposeAsync();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> FetchAsync(string url) =>
        _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/images:fetch", new { url }, TestContext.Current.CancellationToken);

    private string On(string path) => $"{_images.Urls.Single()}{path}";

    [Theory]
    [InlineData("/portrait.png")]
    [InlineData("/moved.png")]
    public async Task An_image_url_is_fetched_and_stored_like_an_upload(string path)
    {
        var response = await FetchAsync(On(path));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var sha = (await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken))!["sha256"]!.GetValue<string>();
        Assert.Equal(Png, await _app.ClientFor(_app.Acme).GetByteArrayAsync($"/v1/images/{sha}", TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("/to-metadata.png", HttpStatusCode.BadRequest, "url.address_blocked")]
    [InlineData("/page.html", HttpStatusCode.UnsupportedMediaType, "image.type_unsupported")]
    [InlineData("/fake.png", HttpStatusCode.BadRequest, "image.content_mismatch")]
    [InlineData("/huge.png", HttpStatusCode.RequestEntityTooLarge, "image.too_large")]
    [InlineData("/missing.png", HttpStatusCode.BadGateway, "image.fetch_failed")]
    public async Task Unusable_answers_are_refused_with_a_stable_code(string path, HttpStatusCode status, string code)
    {
        var response = await FetchAsync(On(path));
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Theory]
    [InlineData("http://10.0.0.1/a.png", "url.address_blocked")]
    [InlineData("http://[::ffff:10.0.0.1]/a.png", "url.address_blocked")]
    [InlineData("file:///etc/passwd", "url.scheme_not_allowed")]
    [InlineData("not a url", "url.invalid")]
    public async Task Urls_the_guard_refuses_are_never_fetched(string url, string code)
    {
        var response = await FetchAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }
}
