using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Gateway.Tests;

/// <summary>The gateway in front of stand-in prompt and dispatch services; prompt knows one key, both echo what reaches them.</summary>
public sealed class GatewayTests : IAsyncLifetime
{
    private static readonly string ValidKey = ApiKeys.Generate(ApiKeys.Test);
    private static readonly Guid TenantId = Guid.Parse("0199a1b2-0000-7000-8000-000000000001");
    private static readonly TimeSpan ShortKeyCacheLifetime = TimeSpan.FromSeconds(1);

    private WebApplication _prompt = null!;
    private WebApplication _dispatch = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private int _keyLookups;
    private volatile bool _validKeyRevoked;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _prompt = builder.Build();
        _prompt.MapPost("/internal/keys/resolve", async (HttpContext context) =>
        {
            // The gateway's own call: signed, acting for no tenant.
            if (!TrustedCalls.Assertions.TryVerify(context.Request.Headers[ServiceAssertion.Header], out var caller) || caller!.TenantId is not null)
                return Results.Unauthorized();
            Interlocked.Increment(ref _keyLookups);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            return body.RootElement.GetProperty("key").GetString() == ValidKey && !_validKeyRevoked
                ? Results.Json(new { id = TenantId, name = "acme" })
                : Results.NotFound();
        });
        _prompt.MapGet("/v1/echo", (HttpContext context) => Results.Json(new
        {
            tenant = AssertedTenant(context),
            tenantHeader = context.Request.Headers[TenantContext.Header].ToString(),
            authorization = context.Request.Headers.Authorization.ToString(),
        }));
        _prompt.MapGet("/admin/v1/echo", (HttpContext context) => Results.Json(new
        {
            tenant = AssertedTenant(context),
            tenantHeader = context.Request.Headers[TenantContext.Header].ToString(),
            authorization = context.Request.Headers.Authorization.ToString(),
        }));
        _prompt.MapGet("/artifacts/{hash}", (string hash, HttpContext context) => Results.Json(new
        {
            hash,
            tenant = AssertedTenant(context),
            query = context.Request.QueryString.Value,
        }));
        await _prompt.StartAsync();

        var dispatchBuilder = WebApplication.CreateSlimBuilder();
        dispatchBuilder.WebHost.UseUrls("http://127.0.0.1:0");
        _dispatch = dispatchBuilder.Build();
        _dispatch.MapGet("/v1/usage", (HttpContext context) => Results.Json(new
        {
            service = "dispatch",
            tenant = AssertedTenant(context),
            tenantHeader = context.Request.Headers[TenantContext.Header].ToString(),
            query = context.Request.QueryString.Value,
        }));
        await _dispatch.StartAsync();

        var redis = await TestInfrastructure.RedisAsync();
        _gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("services:prompt:http:0", _prompt.Urls.Single());
            web.UseSetting("services:dispatch:http:0", _dispatch.Urls.Single());
            // No MCP server here: its route exists, nothing answers it.
            web.UseSetting("services:mcp:http:0", "http://127.0.0.1:9");
            web.UseSetting("ConnectionStrings:redis", redis);
            web.UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey);
        });
    }

    /// <summary>What a service behind the gateway learns: the tenant of a valid assertion, "" for none, "refused" otherwise.</summary>
    private static string AssertedTenant(HttpContext context) =>
        TrustedCalls.Assertions.TryVerify(context.Request.Headers[ServiceAssertion.Header], out var assertion)
            ? assertion!.TenantId?.ToString() ?? ""
            : "refused";

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _prompt.DisposeAsync();
        await _dispatch.DisposeAsync();
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
        var response = await Send("/v1/echo", ApiKeys.Generate(ApiKeys.Test));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.key_invalid", await Problems.CodeOf(response));
        Assert.Equal(1, _keyLookups);
    }

    [Theory]
    [InlineData("ms_test_wrong_key")]
    [InlineData("not-a-key-at-all")]
    [InlineData("ms_prod_0123456789ABCDEFGHIJKLMNOPQRSTUVWabcdef")]
    public async Task A_malformed_key_is_refused_without_asking_prompt(string key)
    {
        var response = await Send("/v1/echo", key);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.key_invalid", await Problems.CodeOf(response));
        Assert.Equal(0, _keyLookups);
    }

    [Fact]
    public async Task A_key_with_one_character_changed_fails_its_checksum_without_asking_prompt()
    {
        var typo = ValidKey[..12] + (ValidKey[12] == 'a' ? 'b' : 'a') + ValidKey[13..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send("/v1/echo", typo)).StatusCode);
        Assert.Equal(0, _keyLookups);
    }

    [Fact]
    public async Task Malformed_and_unknown_keys_get_byte_identical_answers()
    {
        var malformed = await Send("/v1/echo", "ms_test_wrong_key");
        var unknown = await Send("/v1/echo", ApiKeys.Generate(ApiKeys.Live));
        Assert.Equal(HttpStatusCode.Unauthorized, malformed.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(await malformed.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken),
            await unknown.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(1, _keyLookups);
    }

    [Fact]
    public async Task A_revoked_key_stops_working_once_its_cached_answer_expires()
    {
        await using var gateway = _gateway.WithWebHostBuilder(web =>
            web.UseSetting("Authentication:KeyCache:KnownKeyLifetime", ShortKeyCacheLifetime.ToString()));
        using var client = gateway.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Send(client, "/v1/echo", ValidKey)).StatusCode);

        _validKeyRevoked = true;
        await Task.Delay(ShortKeyCacheLifetime * 1.5, TestContext.Current.CancellationToken);

        var response = await Send(client, "/v1/echo", ValidKey);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.key_invalid", await Problems.CodeOf(response));
        Assert.Equal(2, _keyLookups);
    }

    [Fact]
    public async Task A_key_cache_longer_than_a_minute_is_refused_at_start_up()
    {
        await using var gateway = _gateway.WithWebHostBuilder(web =>
            web.UseSetting("Authentication:KeyCache:KnownKeyLifetime", "00:05:00"));
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => gateway.CreateClient());
        Assert.Contains("Authentication:KeyCache", failure.Message);
    }

    [Fact]
    public async Task Admin_routes_reach_prompt_with_their_own_authorization_and_no_tenant()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/v1/echo");
        request.Headers.Authorization = new("Bearer", "the-admin-key");
        request.Headers.Add("X-Tenant-Id", Guid.NewGuid().ToString());
        var response = await _gateway.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("", echo.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("Bearer the-admin-key", echo.RootElement.GetProperty("authorization").GetString());
        Assert.Equal(0, _keyLookups);
    }

    [Fact]
    public async Task A_signed_artifact_url_reaches_prompt_without_a_key_and_as_no_tenant()
    {
        var hash = new string('a', 64);
        var response = await _gateway.CreateClient().GetAsync($"/artifacts/{hash}?type=image%2Fpng&expires=1&signature=abc", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(hash, echo.RootElement.GetProperty("hash").GetString());
        Assert.Equal("", echo.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("?type=image%2Fpng&expires=1&signature=abc", echo.RootElement.GetProperty("query").GetString());
        Assert.Equal(0, _keyLookups);
    }

    [Fact]
    public async Task A_valid_key_is_forwarded_as_its_tenant_and_never_reaches_prompt()
    {
        var response = await Send("/v1/echo", ValidKey, spoofedTenant: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TenantId.ToString(), echo.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("", echo.RootElement.GetProperty("tenantHeader").GetString());
        Assert.Equal("", echo.RootElement.GetProperty("authorization").GetString());
    }

    [Fact]
    public async Task An_assertion_sent_by_a_client_is_replaced_by_the_gateways_own()
    {
        // Even a correctly signed assertion (a leaked one) for another tenant: the key decides the tenant.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/echo");
        request.Headers.Authorization = new("Bearer", ValidKey);
        request.Headers.Add(ServiceAssertion.Header, TrustedCalls.Mint(Guid.NewGuid()));
        var response = await _gateway.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(TenantId.ToString(), echo.RootElement.GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task Usage_is_served_by_dispatch_for_the_authenticated_tenant()
    {
        var response = await Send("/v1/usage?groupBy=day", ValidKey, spoofedTenant: Guid.NewGuid().ToString());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var echo = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("dispatch", echo.RootElement.GetProperty("service").GetString());
        Assert.Equal(TenantId.ToString(), echo.RootElement.GetProperty("tenant").GetString());
        Assert.Equal("?groupBy=day", echo.RootElement.GetProperty("query").GetString());
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

    private Task<HttpResponseMessage> Send(string path, string key, string? spoofedTenant = null) =>
        Send(_gateway.CreateClient(), path, key, spoofedTenant);

    private static async Task<HttpResponseMessage> Send(HttpClient client, string path, string key, string? spoofedTenant = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", key);
        if (spoofedTenant is not null) request.Headers.Add("X-Tenant-Id", spoofedTenant);
        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }
}
