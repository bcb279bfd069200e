using System.IO.Compression;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ministudio.Client;
using Ministudio.Platform;
using Ministudio.TestSupport;
using Codes = Ministudio.Client.ProblemCodes;

namespace Ministudio.Clients.Tests;

/// <summary>
/// The typed client against the live document, both ways: a tour that calls every client method (each answered as the
/// document says, a problem included) makes a request for every operation of the document, and no other.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DocumentCoverageTests(PlatformHosts platform) : IDisposable
{
    private static readonly string SampleFilm = File.ReadAllText(Path.Combine(Repository.Root, "samples", "lighthouse.json"));
    private static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    private readonly RecordingHandler _traffic = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("ministudio-client-coverage").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Every_operation_of_the_live_document_is_a_client_call_and_every_call_is_an_operation()
    {
        using var client = new MinistudioClient(new HttpClient(_traffic), new MinistudioClientOptions { BaseAddress = platform.GatewayUrl, ApiKey = PlatformHosts.TenantKey });
        using var admin = new MinistudioAdminClient(new HttpClient(_traffic), new MinistudioClientOptions { BaseAddress = platform.GatewayUrl, ApiKey = PlatformHosts.AdminKey });

        // Films and jobs.
        var compiled = await client.CompileFilmAsync(SampleFilm, Ct);
        Assert.NotEmpty((await client.EstimateAsync(compiled, Ct)).Shots);
        var job = await client.SubmitFilmAsync(SampleFilm, ct: Ct);
        Job final = job;
        await foreach (var update in client.WatchJobAsync(job.Id, Ct)) final = update;
        Assert.Equal(JobStatuses.Succeeded, final.Status);
        Assert.Contains((await client.ListJobsAsync(ct: Ct)).Items, j => j.Id == job.Id);
        Assert.Equal(job.Id, (await client.GetJobAsync(job.Id, Ct)).Id);
        Assert.Equal("h264", (await Media.ProbeAsync(await client.DownloadVideoAsync(job.Id, Path.Combine(_folder, "film.mp4"), ct: Ct))).Codec);
        Assert.Equal("h264", (await Media.ProbeAsync(await client.DownloadShotVideoAsync(job.Id, 0, Path.Combine(_folder, "shot.mp4"), Ct))).Codec);
        var noDeliverable = await Assert.ThrowsAsync<MinistudioProblemException>(() => client.GetDeliverableAsync(job.Id, "no-such-file.txt", 1024, Ct));
        Assert.Equal(Codes.JobDeliverableNotFound, noDeliverable.Code);
        Assert.Equal(Codes.JobNotCancelable, (await Assert.ThrowsAsync<MinistudioProblemException>(() => client.CancelJobAsync(job.Id, Ct))).Code);

        // The library, every kind, every verb.
        foreach (var kind in LibraryKinds.All)
        {
            // An environment is named by its location.
            var nameField = kind == LibraryKinds.Environments ? "location" : "name";
            var name = $"Coverage {Guid.NewGuid():N}";
            var item = kind switch
            {
                LibraryKinds.Characters => new JsonObject { ["identity"] = new JsonObject { ["hair"] = "silver bob" } },
                LibraryKinds.Environments => new JsonObject { ["weather"] = "rain" },
                LibraryKinds.Templates => new JsonObject
                {
                    ["fields"] = new JsonObject { ["product"] = "The product" },
                    ["film"] = JsonNode.Parse("""{"title":"{{product}}","aspectRatio":"16:9","shots":[{"action":"A hand lifts {{product}}","durationSeconds":3}]}"""),
                },
                _ => new JsonObject { ["traits"] = new JsonArray("soft watercolor washes") },
            };
            item[nameField] = name;
            var created = await client.CreateLibraryItemAsync(kind, item, Ct);
            // Templates list with the built-ins, keyed by name (ListTemplatesAsync, below); every other kind as items.
            if (kind == LibraryKinds.Templates) Assert.Equal(created.Id, (await client.ListTemplatesAsync(Ct)).GetProperty(name).GetProperty("id").GetGuid());
            else Assert.Contains(await client.ListLibraryAsync(kind, Ct), i => i.Id == created.Id);
            Assert.Equal(name, (await client.GetLibraryItemAsync(kind, created.Id, Ct)).Name);
            item[nameField] = name + " again";
            Assert.Equal(name + " again", (await client.ReplaceLibraryItemAsync(kind, created.Id, item, Ct)).Name);
            await client.DeleteLibraryItemAsync(kind, created.Id, Ct);
        }
        Assert.NotEqual(default, await client.ListStylePacksAsync(Ct));
        Assert.NotEqual(default, await client.ListTemplatesAsync(Ct));
        Assert.True((await client.GetFilmOptionsAsync(Ct)).GetProperty("cameraMoves").GetArrayLength() > 0);
        Assert.Contains("local", (await client.ListProvidersAsync(Ct)).Vendors);

        // Images and a timeline of one.
        var png = Path.Combine(_folder, "card.png");
        await File.WriteAllBytesAsync(png, Png, Ct);
        var image = await client.UploadImageAsync(png, ct: Ct);
        var (bytes, type) = await client.GetImageAsync(image.Sha256, Ct);
        Assert.Equal(Png, bytes);
        Assert.Equal("image/png", type);
        // Loopback is allowed here (PlatformHosts); nothing listens on port 80, so the fetch fails as the document says.
        Assert.Equal(Codes.ImageFetchFailed, (await Assert.ThrowsAsync<MinistudioProblemException>(() => client.FetchImageAsync(new Uri("http://127.0.0.1/card.png"), Ct))).Code);
        var timeline = await client.SubmitTimelineAsync($$"""
            {"output":{"aspect":"16:9"},"tracks":[{"clips":[{"type":"image","start":0,"length":1,"asset":"{{image.Sha256}}"}]}]}
            """, "Coverage card", ct: Ct);
        Assert.Equal("Coverage card", timeline.Title);

        // Batches.
        var batch = await client.SubmitBatchAsync(SampleFilm.ReplaceLineEndings(" ") + "\n", ct: Ct);
        Assert.Contains((await client.ListBatchesAsync(ct: Ct)).Items, b => b.Id == batch.Batch.Id);
        Assert.Equal(batch.Batch.Id, (await client.GetBatchAsync(batch.Batch.Id, Ct)).Id);
        await client.CancelBatchAsync(batch.Batch.Id, Ct);
        await foreach (var _ in client.GetBatchResultsAsync(batch.Batch.Id, Ct)) { }

        // Webhooks.
        var webhook = await client.CreateWebhookAsync(new Uri("http://127.0.0.1/hooks/ministudio"), [WebhookEvents.JobCanceled], Ct);
        Assert.False(string.IsNullOrEmpty(webhook.Secret));
        Assert.Contains(await client.ListWebhooksAsync(Ct), w => w.Id == webhook.Id);
        Assert.Null((await client.GetWebhookAsync(webhook.Id, Ct)).Secret);
        var rotated = await client.RotateWebhookSecretAsync(webhook.Id, Ct);
        Assert.NotEqual(webhook.Secret, rotated.Secret);
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
        Assert.NotNull(await client.ListWebhookDeliveriesAsync(webhook.Id, Ct));
        await client.DeleteWebhookAsync(webhook.Id, Ct);
        Assert.Equal(Codes.WebhookNotFound, (await Assert.ThrowsAsync<MinistudioProblemException>(() => client.GetWebhookAsync(webhook.Id, Ct))).Code);

        Assert.Equal("vendor", (await client.GetUsageAsync(ct: Ct)).GroupBy);

        // The operator's API, on a tenant of its own that ends erased.
        var plan = await admin.UpsertPlanAsync($"coverage-{Guid.NewGuid():N}"[..24], rateLimitPerMinute: 60, ct: Ct);
        Assert.Contains(await admin.ListPlansAsync(Ct), p => p.Name == plan.Name);
        var tenant = await admin.CreateTenantAsync($"coverage-{Guid.NewGuid():N}", ct: Ct);
        Assert.Contains(await admin.ListTenantsAsync(Ct), t => t.Id == tenant.Id);
        Assert.Equal(plan.Name, (await admin.AssignPlanAsync(tenant.Id, plan.Name, Ct)).Plan);
        Assert.Equal(plan.Name, (await admin.GetTenantAsync(tenant.Id, Ct)).Plan);
        var key = await admin.CreateKeyAsync(tenant.Id, "coverage", ct: Ct);
        Assert.Contains(await admin.ListKeysAsync(tenant.Id, Ct), k => k.Id == key.Id);
        await admin.RevokeKeyAsync(tenant.Id, key.Id, Ct);
        await admin.SetProviderSecretAsync(tenant.Id, "runway", "sk-coverage-runway", Ct);
        Assert.Equal(["runway"], (await admin.ListProviderSecretsAsync(tenant.Id, Ct)).Select(s => s.Vendor));
        await admin.RemoveProviderSecretAsync(tenant.Id, "runway", Ct);
        var export = await admin.ExportTenantAsync(tenant.Id, Path.Combine(_folder, "export.zip"), Ct);
        using (var zip = ZipFile.OpenRead(export))
        {
            Assert.NotNull(zip.GetEntry("manifest.json"));
            Assert.NotNull(zip.GetEntry("usage.json"));
        }
        Assert.Equal(tenant.Id, (await admin.EraseTenantAsync(tenant.Id, Ct)).TenantId);
        Assert.Contains(await admin.ListAuditAsync(50, Ct), e => e.Target.Contains(tenant.Id.ToString(), StringComparison.Ordinal));
        Assert.NotEmpty((await admin.ListVendorsAsync(Ct)).EnumerateArray());

        // Both ways against the live document.
        using var raw = platform.RawClient();
        var document = JsonNode.Parse(await raw.GetStringAsync("/openapi/v1.json", Ct))!;
        var operations = document["paths"]!.AsObject()
            // Signed artifact URLs are for vendors fetching a shot's inputs, not a client's call.
            .Where(p => !p.Key.StartsWith(ArtifactUrls.RoutePrefix + "/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(m => m.Key is "get" or "post" or "put" or "delete" or "patch")
                .Select(m => (Operation: $"{m.Key.ToUpperInvariant()} {p.Key}", Method: m.Key.ToUpperInvariant(),
                    Path: new Regex("^" + Regex.Replace(Regex.Escape(p.Key.TrimEnd('/')), @"\\\{[^}]+}", "[^/]+") + "/?$"))))
            .ToList();
        // A call is the most specific operation it matches: /v1/jobs/{id}/video, not the deliverables' /v1/jobs/{id}/{name}.
        var calls = _traffic.Exchanges.Select(c => (Call: $"{c.Method} {c.Path}", Operation: operations
            .Where(o => o.Method == c.Method.Method && o.Path.IsMatch(c.Path))
            .OrderBy(o => Regex.Count(o.Operation, @"\{"))
            .Select(o => o.Operation).FirstOrDefault())).ToList();
        Assert.Empty(calls.Where(c => c.Operation is null).Select(c => c.Call).Distinct());
        Assert.Empty(operations.Select(o => o.Operation).Except(calls.Select(c => c.Operation)));
        Assert.True(operations.Count > 50, $"only {operations.Count} operations");
    }
}
