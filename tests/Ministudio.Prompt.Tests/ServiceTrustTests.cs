using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Prompt behind the gateway: without the gateway's signed assertion nothing but the health probes answers — not the
/// tenant routes (whatever X-Tenant-Id says), not /internal, not /admin (even with the admin key), not a missing route.
/// </summary>
public sealed class ServiceTrustTests : IAsyncLifetime
{
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string?> CodeOf(string method, string path, string? assertion, Action<HttpRequestMessage>? more = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST") request.Content = JsonContent.Create(new { key = PromptApp.AcmeKey, title = "x" });
        if (assertion is not null) request.Headers.Add(ServiceAssertion.Header, assertion);
        more?.Invoke(request);
        using var response = await _app.Factory.CreateClient().SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        return await Problems.CodeOf(response);
    }

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/v1/jobs" }, { "POST", "/v1/films" }, { "GET", "/v1/characters" }, { "POST", "/internal/keys/resolve" },
        { "GET", "/admin/v1/tenants" }, { "GET", "/nothing-here" }, { "GET", "/openapi/v1.json" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_refuses_a_request_without_a_valid_assertion(string method, string path)
    {
        var acme = _app.Acme.ToString();
        Assert.Equal("auth.assertion_missing", await CodeOf(method, path, null, r => r.Headers.Add("X-Tenant-Id", acme)));
        Assert.Equal("auth.assertion_missing", await CodeOf(method, path, null, r => r.Headers.Authorization = new("Bearer", PromptApp.AdminKey)));
        Assert.Equal("auth.assertion_invalid", await CodeOf(method, path, acme));
        var otherKey = new ServiceAssertions(Options.Create(new ServiceTrustOptions { SigningKey = "not-the-platforms-key-0123456789abcdef" }), TimeProvider.System);
        Assert.Equal("auth.assertion_invalid", await CodeOf(method, path, otherKey.Mint("gateway", _app.Acme)));
    }

    [Fact]
    public async Task A_service_assertion_without_a_tenant_does_not_open_tenant_routes()
    {
        using var response = await _app.ServiceClient().GetAsync("/v1/jobs", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("auth.tenant_missing", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task The_assertion_decides_the_tenant_and_health_probes_stay_open()
    {
        // A tenant's assertion with another tenant's X-Tenant-Id: the header is ignored.
        using var client = _app.ClientFor(_app.Acme);
        client.DefaultRequestHeaders.Add("X-Tenant-Id", _app.Globex.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/jobs", Ct)).StatusCode);
        var character = await client.PostAsJsonAsync("/v1/characters", new { name = "Mara", identity = new { hair = "red" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, character.StatusCode);
        using var globex = _app.ClientFor(_app.Globex);
        var listed = await globex.GetStringAsync("/v1/characters", Ct);
        Assert.DoesNotContain("Mara", listed);

        using var anonymous = _app.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/alive", Ct)).StatusCode);
    }
}
