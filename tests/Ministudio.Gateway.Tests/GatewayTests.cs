using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Ministudio.TestSupport;

namespace Ministudio.Gateway.Tests;

/// <summary>The gateway in front of a stand-in prompt service that knows one key and echoes what reaches it.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private const string ValidKey = "ms_test_valid_key";
    private static readonly Guid TenantId = Guid.Parse("0199a1b2-0000-7000-8000-000000000001");

    private WebApplication _prompt = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private int _keyLookups;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _prompt = builder.Build();
        _prompt.MapPost("/internal/keys/resolve", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _keyLookups);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            return body.RootElement.GetProperty("key").GetString() == ValidKey
                ? Results.Json(new { id = TenantId, name = "acme" })
                : Results.NotFound();
        });
        _prompt.MapGet("/v1/echo", (HttpContext context) => Results.Json(new
        {
            tenant = context.Request.Headers["X-Tenant-Id"].ToString(),
            authorization = context.Request.Headers.Authorization.ToString(),
        }));
        await _prompt.StartAsync();

        var redis = await TestInfrastructure.RedisAsync();
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("services:prompt:http:0", _prompt.Urls.Single());
            web.UseSetting("ConnectionStrings:redis", redis);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _prompt.DisposeAsync();
    }

    [Fact]
    public async Task A_request_without_a_key_is_refused_with_a_coded_401()
    {
        var response = await _gateway.CreateClient().GetAsync("/v1/echo", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("auth.key_missing", await Problems.CodeOf(response));
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_a_coded_401()
    {
        var response = await Send("/v1/echo", "ms_test_wrong_key");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.key_invalid", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task A_valid_key_is_forwarded_as_its_tenant_and_never_reaches_prompt()
    {
        var response = await Send("/v1/echo", ValidKey, spoofedTenant: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TenantId.ToString(), echo.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("", echo.RootElement.GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task Repeated_requests_with_one_key_cost_one_lookup()
    {
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await Send("/v1/echo", ValidKey)).StatusCode);
        Assert.Equal(1, _keyLookups);
    }

    [Fact]
    public async Task Internal_routes_of_prompt_are_not_reachable_through_the_gateway()
    {
        var response = await _gateway.CreateClient().PostAsync("/internal/keys/resolve", new StringContent("{\"key\":\"x\"}"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, _keyLookups);
    }

    private async Task<HttpResponseMessage> Send(string path, string key, string? spoofedTenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", key);
        if (spoofedTenant is not null) request.Headers.Add("X-Tenant-Id", spoofedTenant);
        return await _gateway.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
    }
}
