using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests;

/// <summary>The admin API through the gateway: an operator makes a tenant and a key, and the key works at once.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AdminApiTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_tenant_and_key_made_through_the_admin_api_authenticate_and_tenant_keys_cannot_administer()
    {
        var admin = platform.GatewayClient(null);
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", platform.AdminKey);
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/starter", new { rateLimitPerMinute = 600, concurrentJobs = 2 }, Ct)).StatusCode);
        var tenant = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = $"e2e-{Guid.NewGuid():N}", plan = "starter" }, Ct);
        Assert.Equal(HttpStatusCode.Created, tenant.StatusCode);
        var tenantId = (await tenant.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var created = await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenantId}/keys", new { name = "e2e" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["key"]!.GetValue<string>();
        Assert.True(ApiKeys.IsWellFormed(key));

        var client = platform.GatewayClient(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/characters", Ct)).StatusCode);

        var asTenant = await client.GetAsync("/admin/v1/tenants", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, asTenant.StatusCode);
        Assert.Equal("admin.tenant_key", await Problems.CodeOf(asTenant));

        // Malformed and unknown keys cannot be told apart by their answers.
        var malformed = await platform.GatewayClient("ms_live_nope").GetAsync("/v1/characters", Ct);
        var unknown = await platform.GatewayClient(ApiKeys.Generate(ApiKeys.Live)).GetAsync("/v1/characters", Ct);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (malformed.StatusCode, unknown.StatusCode));
        Assert.Equal(await malformed.Content.ReadAsByteArrayAsync(Ct), await unknown.Content.ReadAsByteArrayAsync(Ct));

        var audit = await admin.GetStringAsync("/admin/v1/audit", Ct);
        Assert.Contains("key.create", audit);
        Assert.DoesNotContain(key, audit);
    }
}
