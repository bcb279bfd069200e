using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Ministudio.Gateway.Studio;
using Ministudio.TestSupport;

namespace Ministudio.Gateway.Tests;

/// <summary>The studio's static files: no key needed, a strict policy and revalidated caching on every answer.</summary>
public sealed class StudioAppTests : IAsyncLifetime
{
    private WebApplicationFactory<Program> _gateway = null!;

    public async ValueTask InitializeAsync()
    {
        var redis = await TestInfrastructure.RedisAsync();
        // Nothing here is proxied: the upstreams only have to be named.
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("services:prompt:http:0", "http://127.0.0.1:9");
            web.UseSetting("services:dispatch:http:0", "http://127.0.0.1:9");
            // No MCP server here: its route exists, nothing answers it.
            web.UseSetting("services:mcp:http:0", "http://127.0.0.1:9");
            web.UseSetting("ConnectionStrings:redis", redis);
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
        });
    }

    public async ValueTask DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData("/studio/", "text/html")]
    [InlineData("/studio/js/app.js", "text/javascript")]
    [InlineData("/studio/css/studio.css", "text/css")]
    public async Task Studio_files_are_served_without_a_key_under_a_strict_policy(string path, string mediaType)
    {
        var response = await _gateway.CreateClient().GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(StudioApp.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.DoesNotContain("unsafe", StudioApp.ContentSecurityPolicy);
        Assert.True(response.Headers.CacheControl!.NoCache);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_bare_path_redirects_and_unknown_files_are_404s_not_the_api()
    {
        var client = _gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var bare = await client.GetAsync("/studio", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/studio/", bare.Headers.Location!.OriginalString);
        var missing = await client.GetAsync("/studio/secrets.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.NotNull(missing.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task The_page_has_no_inline_script_or_style()
    {
        var html = await _gateway.CreateClient().GetStringAsync("/studio/", TestContext.Current.CancellationToken);
        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("style=", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.Contains("<script type=\"module\" src=\"js/app.js\"></script>", html);
    }
}
