using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>The admin API: its own key, tenants, plans, keys, encrypted provider secrets and the audit log.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized, "admin.key_missing")]
    [InlineData("wrong-admin-key-0123456789abcdefghij", HttpStatusCode.Unauthorized, "admin.key_invalid")]
    [InlineData("tenant", HttpStatusCode.Forbidden, "admin.tenant_key")]
    public async Task Admin_routes_refuse_anything_but_the_admin_key(string? key, HttpStatusCode status, string code)
    {
        var client = _app.ServiceClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new("Bearer", key == "tenant" ? PromptApp.AcmeKey : key);
        foreach (var path in new[] { "/admin/v1/tenants", "/admin/v1/plans", "/admin/v1/audit" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal(status, response.StatusCode);
            Assert.Equal(code, await Problems.CodeOf(response));
        }
        var create = await client.PostAsJsonAsync("/admin/v1/tenants", new { name = "sneaky" }, Ct);
        Assert.Equal(status, create.StatusCode);
        Assert.DoesNotContain((await ListTenantsAsync()).EnumerateArray(), t => t.GetProperty("name").GetString() == "sneaky");
    }

    [Fact]
    public async Task Without_a_configured_admin_key_the_admin_api_is_off()
    {
        await using var app = await PromptApp.StartAsync(new Dictionary<string, string> { ["Admin:ApiKey"] = "" });
        var response = await app.AdminClient().GetAsync("/admin/v1/tenants", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("admin.disabled", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Tenants_are_created_listed_and_read_and_names_are_unique()
    {
        var admin = _app.AdminClient();
        var created = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = "initech" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var tenant = (await created.Content.ReadFromJsonAsync<TenantView>(JsonSerializerOptions.Web, Ct))!;
        Assert.Equal($"/admin/v1/tenants/{tenant.Id}", created.Headers.Location!.OriginalString);

        var read = await admin.GetFromJsonAsync<TenantView>($"/admin/v1/tenants/{tenant.Id}", JsonSerializerOptions.Web, Ct);
        Assert.Equal(tenant, read);
        Assert.Contains((await ListTenantsAsync()).EnumerateArray(), t => t.GetProperty("name").GetString() == "initech");

        var again = await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = "initech" }, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("tenant.name_taken", await Problems.CodeOf(again));

        var missing = await admin.GetAsync($"/admin/v1/tenants/{Guid.NewGuid()}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("tenant.not_found", await Problems.CodeOf(missing));
    }

    [Theory]
    [InlineData("/admin/v1/tenants", """{"name":""}""", "tenant.name_invalid")]
    [InlineData("/admin/v1/tenants", """{"name":"x","plan":"No Such Plan"}""", "plan.name_invalid")]
    [InlineData("/admin/v1/tenants", """{"name":""", "request.malformed_json")]
    public async Task Invalid_tenants_are_refused_with_a_coded_400(string path, string body, string code)
    {
        var response = await _app.AdminClient().PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Theory]
    [InlineData("pro", """{"rateLimitPerMinute":0}""", "plan.limit_invalid")]
    [InlineData("pro", """{"concurrentJobs":-1}""", "plan.limit_invalid")]
    [InlineData("pro", """{"monthlyBudgetUsd":-5}""", "plan.budget_invalid")]
    [InlineData("pro", """{"allowedProviders":["nonesuch"]}""", "plan.provider_unknown")]
    [InlineData("pro", """{"retentionDays":-1}""", "plan.retention_invalid")]
    [InlineData("Pro Plan", """{}""", "plan.name_invalid")]
    public async Task Invalid_plans_are_refused_with_a_coded_400(string name, string body, string code)
    {
        var response = await _app.AdminClient().PutAsync($"/admin/v1/plans/{Uri.EscapeDataString(name)}",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Setting_or_changing_a_plan_publishes_TenantPlanChanged_and_the_resolve_answer_carries_its_rate_limit()
    {
        var admin = _app.AdminClient();
        var plan = new { rateLimitPerMinute = 120, concurrentJobs = 2, monthlyBudgetUsd = 50.5m, allowedProviders = new[] { "local", "veo" } };
        var created = await admin.PutAsJsonAsync("/admin/v1/plans/pro", plan, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var assigned = await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "pro" }, Ct);
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        var announced = await _app.Harness.PublishedAsync<TenantPlanChanged>(m => m.TenantId == _app.Acme && m.MonthlyBudgetUsd == 50.5m);
        Assert.Equal("pro", announced.Plan);
        Assert.Equal(["local", "veo"], announced.AllowedProviders);

        var resolved = await _app.ServiceClient().PostAsJsonAsync("/internal/keys/resolve", new { key = PromptApp.AcmeKey }, Ct);
        var tenant = JsonNode.Parse(await resolved.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(120, tenant["rateLimitPerMinute"]!.GetValue<int>());
        Assert.Equal(_app.Acme, tenant["id"]!.GetValue<Guid>());

        var updated = await admin.PutAsJsonAsync("/admin/v1/plans/pro", plan with { monthlyBudgetUsd = 75m }, Ct);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        await _app.Harness.PublishedAsync<TenantPlanChanged>(m => m.TenantId == _app.Acme && m.MonthlyBudgetUsd == 75m);
        // Globex is on no plan: it hears nothing about "pro".
        Assert.False(await _app.Harness.Published.Any<TenantPlanChanged>(m => m.Context.Message.TenantId == _app.Globex, Ct));

        var unknownPlan = await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "enterprise" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownPlan.StatusCode);
        Assert.Equal("plan.not_found", await Problems.CodeOf(unknownPlan));
        var unknownTenant = await admin.PutAsJsonAsync($"/admin/v1/tenants/{Guid.NewGuid()}/plan", new { plan = "pro" }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownTenant.StatusCode);
        Assert.Equal("tenant.not_found", await Problems.CodeOf(unknownTenant));
    }

    [Fact]
    public async Task A_key_is_shown_once_listed_by_prefix_and_stops_resolving_when_revoked()
    {
        var admin = _app.AdminClient();
        var response = await admin.PostAsJsonAsync($"/admin/v1/tenants/{_app.Globex}/keys", new { name = "ci" }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.Content.ReadFromJsonAsync<CreatedApiKey>(JsonSerializerOptions.Web, Ct))!;
        Assert.True(ApiKeys.IsWellFormed(key.Key));
        Assert.StartsWith("ms_live_", key.Key);
        Assert.Equal(_app.Globex, (await ResolveAsync(key.Key))!.Id);

        var listed = await admin.GetStringAsync($"/admin/v1/tenants/{_app.Globex}/keys", Ct);
        Assert.Contains(key.Prefix, listed);
        Assert.DoesNotContain(key.Key, listed);
        Assert.DoesNotContain(key.Key[key.Prefix.Length..], listed);

        var revoked = await admin.DeleteAsync($"/admin/v1/tenants/{_app.Globex}/keys/{key.Id}", Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Null(await ResolveAsync(key.Key));
        var views = JsonSerializer.Deserialize<List<ApiKeyView>>(await admin.GetStringAsync($"/admin/v1/tenants/{_app.Globex}/keys", Ct), JsonSerializerOptions.Web)!;
        Assert.NotNull(views.Single(v => v.Id == key.Id).RevokedAt);

        // A key is revoked through its own tenant only.
        var elsewhere = await admin.DeleteAsync($"/admin/v1/tenants/{_app.Acme}/keys/{key.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal("key.not_found", await Problems.CodeOf(elsewhere));
    }

    [Fact]
    public async Task An_expired_key_resolves_like_an_unknown_one()
    {
        var admin = _app.AdminClient();
        var past = await admin.PostAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/keys", new { expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Equal("key.expiry_in_past", await Problems.CodeOf(past));

        var response = await admin.PostAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/keys", new { type = "test", expiresAt = DateTimeOffset.UtcNow.AddHours(1) }, Ct);
        var key = (await response.Content.ReadFromJsonAsync<CreatedApiKey>(JsonSerializerOptions.Web, Ct))!;
        Assert.StartsWith("ms_test_", key.Key);
        Assert.Equal(_app.Acme, (await ResolveAsync(key.Key))!.Id);

        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var expire = dataSource.CreateCommand("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = @id"))
        {
            expire.Parameters.AddWithValue("id", key.Id);
            await expire.ExecuteNonQueryAsync(Ct);
        }
        var expired = await _app.ServiceClient().PostAsJsonAsync("/internal/keys/resolve", new { key = key.Key }, Ct);
        var unknown = await _app.ServiceClient().PostAsJsonAsync("/internal/keys/resolve", new { key = ApiKeys.Generate(ApiKeys.Test) }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        // The same answer but for the trace id, which is each request's own.
        static async Task<string> WithoutTrace(HttpResponseMessage response)
        {
            var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!.AsObject();
            Assert.NotNull(problem["traceId"]);
            problem.Remove("traceId");
            return problem.ToJsonString();
        }
        Assert.Equal(await WithoutTrace(unknown), await WithoutTrace(expired));
    }

    [Fact]
    public async Task Only_the_paying_services_read_a_tenants_own_vendor_keys_and_every_change_is_announced()
    {
        var admin = _app.AdminClient();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", new { secret = "sk-acme-runway" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/kling", new { secret = "ak-acme:sk-acme" }, Ct)).StatusCode);
        // A speech vendor's key too: compose speaks the tenant's cloud voices with it.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/elevenlabs", new { secret = "xi-acme" }, Ct)).StatusCode);
        await _app.Harness.PublishedAsync<TenantProviderSecretChanged>(m => m.TenantId == _app.Acme && m.Vendor == "runway");

        var dispatch = _app.ServiceClient(ResourceNames.Dispatch);
        var revealed = await dispatch.GetFromJsonAsync<TenantProviderSecrets>($"/internal/tenants/{_app.Acme}/provider-secrets", Ct);
        Assert.Equal(new Dictionary<string, string> { ["elevenlabs"] = "xi-acme", ["kling"] = "ak-acme:sk-acme", ["runway"] = "sk-acme-runway" }, revealed!.Secrets);
        Assert.Empty((await dispatch.GetFromJsonAsync<TenantProviderSecrets>($"/internal/tenants/{_app.Globex}/provider-secrets", Ct))!.Secrets);
        var compose = _app.ServiceClient(ResourceNames.Compose);
        Assert.Equal(revealed.Secrets, (await compose.GetFromJsonAsync<TenantProviderSecrets>($"/internal/tenants/{_app.Acme}/provider-secrets", Ct))!.Secrets);
        foreach (var caller in new[] { ResourceNames.Gateway, ResourceNames.Mcp })
        {
            var refused = await _app.ServiceClient(caller).GetAsync($"/internal/tenants/{_app.Acme}/provider-secrets", Ct);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("auth.service_forbidden", await Problems.CodeOf(refused));
            Assert.DoesNotContain("sk-acme", await refused.Content.ReadAsStringAsync(Ct));
        }

        var listed = await admin.GetStringAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets", Ct);
        Assert.Equal(["elevenlabs", "kling", "runway"], JsonNode.Parse(listed)!.AsArray().Select(v => v!["vendor"]!.GetValue<string>()));
        Assert.DoesNotContain("sk-acme", listed);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", Ct)).StatusCode);
        // Two announcements for runway now: the set and the removal.
        await _app.Harness.PublishedAsync<TenantProviderSecretChanged>(m => m.TenantId == _app.Acme && m.Vendor == "runway", count: 2);
        var again = await admin.DeleteAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", Ct);
        Assert.Equal((HttpStatusCode.NotFound, "provider_secret.not_found"), (again.StatusCode, await Problems.CodeOf(again)));
        var nobody = await admin.DeleteAsync($"/admin/v1/tenants/{Guid.NewGuid()}/provider-secrets/runway", Ct);
        Assert.Equal("tenant.not_found", await Problems.CodeOf(nobody));
        Assert.Equal(["elevenlabs", "kling"], (await dispatch.GetFromJsonAsync<TenantProviderSecrets>($"/internal/tenants/{_app.Acme}/provider-secrets", Ct))!.Secrets.Keys.Order());
        Assert.Contains("provider_secret.remove", await admin.GetStringAsync("/admin/v1/audit", Ct));

        // A plan may let a refused tenant key fall back to the platform's; dispatch hears it with the plan.
        Assert.Equal(HttpStatusCode.Created, (await admin.PutAsJsonAsync("/admin/v1/plans/forgiving", new { platformKeyFallback = true }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/plan", new { plan = "forgiving" }, Ct)).StatusCode);
        await _app.Harness.PublishedAsync<TenantPlanChanged>(m => m.TenantId == _app.Acme && m.Plan == "forgiving" && m.PlatformKeyFallback);
    }

    [Fact]
    public async Task Provider_secrets_are_stored_as_ciphertext_and_never_returned()
    {
        const string Secret = "sk-vendor-secret-value-1234567890";
        var admin = _app.AdminClient();
        var put = await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", new { secret = Secret }, Ct);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        Assert.Equal(0, put.Content.Headers.ContentLength ?? 0);

        string ciphertext;
        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var select = dataSource.CreateCommand("SELECT ciphertext FROM tenant_provider_secrets WHERE tenant_id = @tenant AND vendor = 'runway'"))
        {
            select.Parameters.AddWithValue("tenant", _app.Acme);
            ciphertext = (string)(await select.ExecuteScalarAsync(Ct))!;
        }
        Assert.DoesNotContain(Secret, ciphertext);
        Assert.DoesNotContain(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(Secret)), ciphertext);
        var protector = _app.Factory.Services.GetRequiredService<SecretProtector>();
        Assert.Equal(Secret, protector.Unprotect(SecretProtector.Kinds.ProviderSecret, ProviderSecrets.OwnerOf(_app.Acme, "runway"), ciphertext));
        // Bound to its owner: the same ciphertext does not open as another tenant's secret.
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            protector.Unprotect(SecretProtector.Kinds.ProviderSecret, ProviderSecrets.OwnerOf(_app.Globex, "runway"), ciphertext));

        var audit = await admin.GetStringAsync("/admin/v1/audit", Ct);
        Assert.Contains("provider_secret.set", audit);
        Assert.DoesNotContain(Secret, audit);

        var unknownVendor = await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/nonesuch", new { secret = Secret }, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknownVendor.StatusCode);
        Assert.Equal("provider.unknown", await Problems.CodeOf(unknownVendor));
        var empty = await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", new { secret = "" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal("provider_secret.invalid", await Problems.CodeOf(empty));
    }

    [Fact]
    public async Task The_data_protection_key_ring_lives_in_postgres_and_a_second_replica_decrypts_with_it()
    {
        var ciphertext = _app.Factory.Services.GetRequiredService<SecretProtector>().Protect("test.kind", "owner", "shared");
        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var count = dataSource.CreateCommand("SELECT count(*) FROM data_protection_keys"))
        {
            Assert.True((long)(await count.ExecuteScalarAsync(Ct))! >= 1);
        }
        await using var replica = _app.Factory.WithWebHostBuilder(_ => { });
        Assert.Equal("shared", replica.Services.GetRequiredService<SecretProtector>().Unprotect("test.kind", "owner", ciphertext));
    }

    [Fact]
    public async Task Every_admin_change_leaves_one_audit_row_and_the_log_refuses_updates_and_deletes()
    {
        var admin = _app.AdminClient();
        await admin.PutAsJsonAsync("/admin/v1/plans/basic", new { concurrentJobs = 1 }, Ct);
        var tenant = (await (await admin.PostAsJsonAsync("/admin/v1/tenants", new { name = "audited", plan = "basic" }, Ct))
            .Content.ReadFromJsonAsync<TenantView>(JsonSerializerOptions.Web, Ct))!;
        var key = (await (await admin.PostAsJsonAsync($"/admin/v1/tenants/{tenant.Id}/keys", new { }, Ct))
            .Content.ReadFromJsonAsync<CreatedApiKey>(JsonSerializerOptions.Web, Ct))!;
        await admin.DeleteAsync($"/admin/v1/tenants/{tenant.Id}/keys/{key.Id}", Ct);
        await admin.DeleteAsync($"/admin/v1/tenants/{tenant.Id}/keys/{key.Id}", Ct);

        var entries = JsonSerializer.Deserialize<List<AuditEntry>>(await admin.GetStringAsync("/admin/v1/audit", Ct), JsonSerializerOptions.Web)!;
        Assert.Equal(["key.revoke", "key.create", "tenant.create", "plan.create"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Matches("^admin:[0-9a-f]{8}$", e.Actor));
        Assert.All(entries, e => Assert.Matches("^[0-9a-f]{32}$", e.TraceId!));
        Assert.Equal($"tenant/{tenant.Id}", entries[2].Target);
        Assert.Equal("basic", entries[2].After!.Value.GetProperty("plan").GetString());
        Assert.Equal(AuditLog.Redacted, entries[1].After!.Value.GetProperty("key").GetString());
        Assert.DoesNotContain(key.Key, await admin.GetStringAsync("/admin/v1/audit", Ct));

        var limited = await admin.GetAsync("/admin/v1/audit?limit=0", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, limited.StatusCode);
        Assert.Equal("audit.limit_invalid", await Problems.CodeOf(limited));

        await using var dataSource = NpgsqlDataSource.Create(_app.Database);
        foreach (var tamper in new[] { "UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log", "TRUNCATE audit_log" })
        {
            await using var command = dataSource.CreateCommand(tamper);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => command.ExecuteNonQueryAsync(Ct));
            Assert.Contains("append-only", refused.MessageText);
        }
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM audit_log");
        Assert.Equal(4L, await count.ExecuteScalarAsync(Ct));
    }

    private async Task<JsonElement> ListTenantsAsync() =>
        JsonDocument.Parse(await _app.AdminClient().GetStringAsync("/admin/v1/tenants", Ct)).RootElement;

    private async Task<Tenant?> ResolveAsync(string key)
    {
        var response = await _app.ServiceClient().PostAsJsonAsync("/internal/keys/resolve", new { key }, Ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<Tenant>(JsonSerializerOptions.Web, Ct);
    }

    [Fact]
    public async Task Vendor_models_are_listed_with_their_lifecycle_state()
    {
        var models = JsonDocument.Parse(await _app.AdminClient().GetStringAsync("/admin/v1/vendors", Ct)).RootElement.EnumerateArray().ToList();

        var sora = models.Single(m => m.GetProperty("vendor").GetString() == "sora" && m.GetProperty("model").GetString() == "sora-2");
        Assert.Equal(("retired", "2026-09-24", "standard"), (sora.GetProperty("state").GetString(), sora.GetProperty("retiresOn").GetString(), sora.GetProperty("replacement").GetString()));
        var veo = models.Single(m => m.GetProperty("vendor").GetString() == "veo" && m.GetProperty("default").GetBoolean());
        Assert.Equal("active", veo.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(veo.GetProperty("priceSource").GetString()));
    }
}
