using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>GDPR: an operator exports everything stored for a tenant, then erases it, and nothing of it remains.</summary>
public sealed class TenantDataTests : IAsyncLifetime
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 700).Select(i => (byte)(i * 13))];

    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync(consumers: bus => bus.AddConsumer<StandInLedger>());

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ArtifactStore Store => _app.Factory.Services.GetRequiredService<ArtifactStore>();

    /// <summary>dispatch's side of the export, as its ExportTenantUsageConsumer answers.</summary>
    public sealed class StandInLedger : IConsumer<ExportTenantUsage>
    {
        public Task Consume(ConsumeContext<ExportTenantUsage> context) =>
            context.RespondAsync(new TenantUsageExported(context.Message.TenantId, """[{"vendor":"mock","actual_usd":0.25}]"""));
    }

    [Fact]
    public async Task An_export_holds_every_row_and_file_and_an_erasure_leaves_nothing_but_a_redacted_audit_record()
    {
        var acme = _app.ClientFor(_app.Acme);
        var admin = _app.AdminClient();

        // What acme stores: a character, two uploads (one of which globex uploaded too), a key, a provider secret,
        // a finished job whose shot clip and film are in the store, and a job still running.
        Assert.Equal(HttpStatusCode.Created, (await acme.PostAsJsonAsync("/v1/characters", new { name = "Mara Vell", identity = new { hair = "copper" } }, Ct)).StatusCode);
        var own = await UploadAsync(acme, [.. Png, 1]);
        var shared = await UploadAsync(acme, [.. Png, 2]);
        Assert.Equal(shared, await UploadAsync(_app.ClientFor(_app.Globex), [.. Png, 2]));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/keys", new { name = "ci" }, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/admin/v1/tenants/{_app.Acme}/provider-secrets/runway", new { secret = "rw-secret-never-exported" }, Ct)).StatusCode);
        var clip = await StoreAsync("a shot clip");
        var film = await StoreAsync("a film");
        var finished = await SubmitAsync(acme, "Finished");
        await _app.Harness.Bus.Publish(new ShotRendered(finished, 0, clip, 2, false, "mock"), Ct);
        await Eventually.ValueAsync(() => Task.FromResult(_app.Harness.Published.Select<ComposeFilm>().Any(m => m.Context.Message.JobId == finished)), any => any);
        await _app.Harness.Bus.Publish(new FilmComposed(finished, film, 2), Ct);
        await Eventually.ValueAsync(async () => (await acme.GetFromJsonAsync<JsonObject>($"/v1/jobs/{finished}", Ct))!["status"]!.GetValue<string>(), s => s == "succeeded");
        var running = await SubmitAsync(acme, "Running");

        // The export: every table as JSON, the ledger from dispatch, the files; never a secret or a key hash.
        var exported = await admin.GetAsync($"/admin/v1/tenants/{_app.Acme}/export", Ct);
        Assert.Equal(HttpStatusCode.OK, exported.StatusCode);
        Assert.Equal("application/zip", exported.Content.Headers.ContentType!.MediaType);
        using (var zip = new ZipArchive(new MemoryStream(await exported.Content.ReadAsByteArrayAsync(Ct))))
        {
            string Text(string name) => new StreamReader(zip.GetEntry(name)!.Open()).ReadToEnd();
            Assert.Contains("\"name\": \"acme\"", Text("tenant.json"));
            Assert.Contains("Mara Vell", Text("library.json"));
            Assert.Equal(2, JsonNode.Parse(Text("jobs.json"))!.AsArray().Count);
            Assert.Contains(clip, Text("shots.json"));
            Assert.Equal(2, JsonNode.Parse(Text("api-keys.json"))!.AsArray().Count); // the seeded key and the admin's, neither hashed
            Assert.DoesNotContain("key_hash", Text("api-keys.json"));
            Assert.Contains("runway", Text("provider-secrets.json"));
            Assert.Contains("0.25", Text("usage.json"));
            foreach (var hash in new[] { own, shared, clip, film })
                Assert.Equal(await File.ReadAllBytesAsync(Store.PathOf(hash), Ct), ReadAll(zip.GetEntry($"files/{hash}")!));
            var everything = string.Concat(zip.Entries.Where(e => e.Name.EndsWith(".json", StringComparison.Ordinal)).Select(e => Text(e.FullName)));
            Assert.DoesNotContain("rw-secret-never-exported", everything);
            Assert.DoesNotContain(PromptApp.AcmeKey, everything);
        }

        // The erasure.
        var erased = await admin.DeleteAsync($"/admin/v1/tenants/{_app.Acme}", Ct);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        var report = (await erased.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal((3, 1), (report["filesDeleted"]!.GetValue<int>(), report["filesKeptShared"]!.GetValue<int>()));

        await using (var database = NpgsqlDataSource.Create(_app.Database))
        {
            foreach (var table in new[] { "api_keys", "jobs", "library_items", "tenant_artifacts", "tenant_provider_secrets", "idempotency_keys", "webhooks", "batches", "batch_tenant_turns", "batch_idempotency_keys" })
                Assert.Equal(0L, await CountAsync(database, $"SELECT count(*) FROM {table} WHERE tenant_id = $1", _app.Acme));
            Assert.Equal(0L, await CountAsync(database, "SELECT count(*) FROM tenants WHERE id = $1", _app.Acme));
            Assert.Equal(0L, await CountAsync(database, "SELECT count(*) FROM shots WHERE job_id IN ($1, $2)", finished, running));
            // The audit keeps one record of the erasure: counts, no name.
            await using var audit = database.CreateCommand("SELECT after::text FROM audit_log WHERE action = 'tenant.erase' AND target = 'tenant/' || $1::text");
            audit.Parameters.Add(new() { Value = _app.Acme });
            var record = (string)(await audit.ExecuteScalarAsync(Ct))!;
            Assert.DoesNotContain("acme", record);
        }
        Assert.False(Store.Contains(own));
        Assert.False(Store.Contains(clip));
        Assert.False(Store.Contains(film));
        Assert.True(Store.Contains(shared));
        Assert.Equal(HttpStatusCode.OK, (await _app.ClientFor(_app.Globex).GetAsync($"/v1/images/{shared}", Ct)).StatusCode);

        // dispatch hears about it (the running job cancelled first), and the tenant is gone from every admin route.
        Assert.True(await _app.Harness.Published.Any<JobCanceled>(m => m.Context.Message.JobId == running, Ct));
        Assert.True(await _app.Harness.Published.Any<TenantErased>(m => m.Context.Message.TenantId == _app.Acme, Ct));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/v1/tenants/{_app.Acme}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/admin/v1/tenants/{_app.Acme}/export", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/admin/v1/tenants/{_app.Acme}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.ServiceClient().PostAsJsonAsync("/internal/keys/resolve", new { key = PromptApp.AcmeKey }, Ct)).StatusCode);

        // The gateway may sign for the erased tenant for as long as it caches the key (up to a minute): its writes are
        // refused as from an unknown key, never a 500.
        var ghost = _app.ClientFor(_app.Acme);
        foreach (var write in new[] { ghost.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct), ghost.PostAsJsonAsync("/v1/characters", FilmSamples.Mira, Ct) })
        {
            var refused = await write;
            Assert.Equal((HttpStatusCode.Unauthorized, "auth.key_invalid"), (refused.StatusCode, await Problems.CodeOf(refused)));
        }
    }

    private static async Task<string> UploadAsync(HttpClient client, byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await client.PostAsync("/v1/images", content, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["sha256"]!.GetValue<string>();
    }

    private async Task<string> StoreAsync(string text)
    {
        var path = Path.Combine(Store.CreateScratchFolder(), "file");
        await File.WriteAllTextAsync(path, $"{text} {Guid.NewGuid()}", Ct);
        return await Store.AddFileAsync(path, Ct);
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, string title)
    {
        var response = await client.PostAsJsonAsync("/v1/films", new { title, aspectRatio = "16:9", provider = "mock", shots = new[] { new { action = "A gull lands", durationSeconds = 2 } } }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, string sql, params object[] values)
    {
        await using var command = database.CreateCommand(sql);
        foreach (var value in values) command.Parameters.Add(new() { Value = value });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
