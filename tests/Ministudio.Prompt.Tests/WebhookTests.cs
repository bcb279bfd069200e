using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Ministudio.Contracts;
using Ministudio.Prompt.Jobs;
using Ministudio.Prompt.Webhooks;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Webhooks end to end: registration, delivery to a receiver on 127.0.0.1 (the loopback test flag is on), retries,
/// rotation. Signatures are checked by <see cref="StandardWebhooksVerifier"/>, written from the spec, not by our signer.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private WebApplication _receiver = null!;
    private readonly ConcurrentQueue<Received> _received = new();
    private readonly ConcurrentQueue<int> _answers = new();

    public sealed record Received(string Path, string? Id, string? Timestamp, string? Signature, string Body);

    public async ValueTask InitializeAsync()
    {
        _app = await PromptApp.StartAsync(new Dictionary<string, string>
        {
            ["Networking:Ssrf:AllowLoopback"] = "true",
            ["Webhooks:PollInterval"] = "00:00:00.100",
            ["Webhooks:RetryDelays:0"] = "00:00:00.200",
            ["Webhooks:RetryDelays:1"] = "00:00:00.200",
            ["Webhooks:RetryDelays:2"] = "00:00:00.200",
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _receiver = builder.Build();
        _receiver.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var headers = context.Request.Headers;
            _received.Enqueue(new Received(context.Request.Path, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], await reader.ReadToEndAsync()));
            return Results.StatusCode(_answers.TryDequeue(out var status) ? status : 200);
        });
        await _receiver.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _app.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonObject> RegisterAsync(string path, params string[] events)
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/webhooks", new { url = $"{_receiver.Urls.Single()}/{path}", events }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }

    private async Task<Guid> CanceledJobAsync()
    {
        var client = _app.ClientFor(_app.Acme);
        var submitted = await client.PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct);
        var job = (await submitted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync($"/v1/jobs/{job}:cancel", null, Ct)).StatusCode);
        return job;
    }

    private async Task<List<Received>> ReceivedAsync(string path, int count)
    {
        // Bounded wait for the background worker; the assertions are on what arrived, not on how fast.
        for (var i = 0; i < 300 && _received.Count(r => r.Path == $"/{path}") < count; i++) await Task.Delay(100, Ct);
        return [.. _received.Where(r => r.Path == $"/{path}")];
    }

    private async Task<JsonArray> DeliveriesAsync(string webhookId) =>
        (await _app.ClientFor(_app.Acme).GetFromJsonAsync<JsonArray>($"/v1/webhooks/{webhookId}/deliveries", Ct))!;

    // The receiver has the attempt before the worker records its answer: wait (bounded) until the delivery leaves pending.
    private Task<JsonNode> SettledDeliveryAsync(string webhookId) =>
        Eventually.ValueAsync(async () => (await DeliveriesAsync(webhookId)).Single()!,
            delivery => delivery["status"]!.GetValue<string>() != WebhookDeliveryWorker.Pending);

    [Fact]
    public async Task A_final_job_state_is_delivered_signed_and_retried_after_500s_under_one_webhook_id()
    {
        var webhook = await RegisterAsync("retry", "job.canceled");
        var secret = webhook["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
        _answers.Enqueue(500);
        _answers.Enqueue(500);

        var job = await CanceledJobAsync();
        var attempts = await ReceivedAsync("retry", 3);

        Assert.Equal(3, attempts.Count);
        Assert.Single(attempts.Select(a => a.Id).Distinct());
        Assert.All(attempts, a => Assert.True(StandardWebhooksVerifier.Verify(secret, a.Id, a.Timestamp, a.Signature, a.Body)));
        Assert.All(attempts, a => Assert.False(StandardWebhooksVerifier.Verify(WrongSecret(), a.Id, a.Timestamp, a.Signature, a.Body)));
        using var payload = JsonDocument.Parse(attempts[^1].Body);
        Assert.Equal("job.canceled", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal(job, payload.RootElement.GetProperty("data").GetProperty("jobId").GetGuid());
        Assert.Equal(JobStatus.Canceled, payload.RootElement.GetProperty("data").GetProperty("status").GetString());

        var delivery = await SettledDeliveryAsync(webhook["id"]!.GetValue<string>());
        Assert.Equal(attempts[0].Id, delivery["id"]!.GetValue<string>());
        Assert.Equal("delivered", delivery["status"]!.GetValue<string>());
        Assert.Equal(3, delivery["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task After_rotation_deliveries_carry_signatures_of_both_secrets()
    {
        var webhook = await RegisterAsync("rotated", "job.canceled");
        var oldSecret = webhook["secret"]!.GetValue<string>();
        var rotated = await _app.ClientFor(_app.Acme).PostAsync($"/v1/webhooks/{webhook["id"]}:rotate", null, Ct);
        Assert.Equal(HttpStatusCode.OK, rotated.StatusCode);
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonObject>(Ct))!["secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);

        await CanceledJobAsync();
        var delivery = (await ReceivedAsync("rotated", 1)).Single();

        Assert.Equal(2, delivery.Signature!.Split(' ').Length);
        Assert.True(StandardWebhooksVerifier.Verify(newSecret, delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body));
        Assert.True(StandardWebhooksVerifier.Verify(oldSecret, delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body));
        Assert.False(StandardWebhooksVerifier.Verify(WrongSecret(), delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body));
        Assert.False(StandardWebhooksVerifier.Verify(newSecret, delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body + " "));
    }

    [Fact]
    public async Task A_failed_job_is_announced_with_its_error_only_to_webhooks_subscribed_to_failures()
    {
        await RegisterAsync("failures", "job.failed");
        await RegisterAsync("cancellations", "job.canceled");
        var submitted = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", FilmSamples.ThreeShots(), Ct);
        var job = (await submitted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        await _app.Harness.Bus.Publish(new ShotFailed(job, 0, "provider.refused", "no", Retryable: false), Ct);

        using var payload = JsonDocument.Parse((await ReceivedAsync("failures", 1)).Single().Body);
        Assert.Equal("job.failed", payload.RootElement.GetProperty("type").GetString());
        Assert.Equal("provider.refused", payload.RootElement.GetProperty("data").GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain(_received, r => r.Path == "/cancellations" && r.Body.Contains(job.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_410_disables_the_endpoint()
    {
        var webhook = await RegisterAsync("gone", "job.canceled");
        _answers.Enqueue(410);
        await CanceledJobAsync();
        Assert.Single(await ReceivedAsync("gone", 1));

        var id = webhook["id"]!.GetValue<string>();
        JsonObject state;
        var polls = 0;
        do
        {
            await Task.Delay(100, Ct);
            state = (await _app.ClientFor(_app.Acme).GetFromJsonAsync<JsonObject>($"/v1/webhooks/{id}", Ct))!;
        }
        while (state["enabled"]!.GetValue<bool>() && ++polls < 100);
        Assert.False(state["enabled"]!.GetValue<bool>());
        Assert.Equal("failed", (await DeliveriesAsync(id)).Single()!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "url.address_blocked")]
    [InlineData("http://10.0.0.8/hook", "url.address_blocked")]
    [InlineData("http://0x0a000001/hook", "url.address_blocked")]
    [InlineData("http://[fd00::1]/hook", "url.address_blocked")]
    [InlineData("ftp://example.com/hook", "url.scheme_not_allowed")]
    [InlineData("https://user:pw@example.com/hook", "url.userinfo_not_allowed")]
    public async Task Urls_the_ssrf_guard_refuses_are_rejected_at_registration(string url, string code)
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/webhooks", new { url }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, await Problems.CodeOf(response));
    }

    [Fact]
    public async Task The_guard_is_applied_again_at_delivery()
    {
        var webhook = await RegisterAsync("moved-inside", "job.canceled");
        var id = webhook["id"]!.GetValue<string>();
        // What a DNS change after registration amounts to: the stored endpoint now points into the private network.
        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var command = dataSource.CreateCommand("UPDATE webhooks SET url = 'http://10.0.0.1/hook' WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", Guid.Parse(id));
            await command.ExecuteNonQueryAsync(Ct);
        }
        await CanceledJobAsync();

        JsonNode delivery;
        var polls = 0;
        do
        {
            await Task.Delay(100, Ct);
            delivery = (await DeliveriesAsync(id)).SingleOrDefault() ?? new JsonObject { ["lastError"] = null };
        }
        while (delivery["lastError"] is null && ++polls < 300);
        Assert.StartsWith("url.address_blocked", delivery["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(delivery["lastStatusCode"]);
    }

    [Fact]
    public async Task Unknown_events_are_rejected()
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/webhooks", new { url = $"{_receiver.Urls.Single()}/x", events = new[] { "job.exploded" } }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("webhook.event_unknown", await Problems.CodeOf(response));
    }

    [Fact]
    public async Task Secrets_are_encrypted_at_rest_and_never_listed()
    {
        var webhook = await RegisterAsync("at-rest");
        var secret = webhook["secret"]!.GetValue<string>();
        await using (var dataSource = NpgsqlDataSource.Create(_app.Database))
        await using (var command = dataSource.CreateCommand("SELECT secret FROM webhooks WHERE id = @id"))
        {
            command.Parameters.AddWithValue("id", Guid.Parse(webhook["id"]!.GetValue<string>()));
            var stored = (string)(await command.ExecuteScalarAsync(Ct))!;
            Assert.DoesNotContain(secret["whsec_".Length..], stored, StringComparison.Ordinal);
        }
        var listed = await _app.ClientFor(_app.Acme).GetStringAsync("/v1/webhooks", Ct);
        Assert.Contains(webhook["id"]!.GetValue<string>(), listed, StringComparison.Ordinal);
        Assert.DoesNotContain("\"secret\"", listed, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(secret["whsec_".Length..], listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_delete_a_webhook()
    {
        var id = (await RegisterAsync("owned"))["id"]!.GetValue<string>();
        var foreign = _app.ClientFor(_app.Globex);
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.GetAsync($"/v1/webhooks/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.DeleteAsync($"/v1/webhooks/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await foreign.PostAsync($"/v1/webhooks/{id}:rotate", null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _app.ClientFor(_app.Acme).DeleteAsync($"/v1/webhooks/{id}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _app.ClientFor(_app.Acme).GetAsync($"/v1/webhooks/{id}", Ct)).StatusCode);
    }

    private static string WrongSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// A receiver's check written from the Standard Webhooks spec: key = base64-decode(secret without "whsec_"); expected =
/// base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{raw body}")); the header holds space-separated
/// "v1,{base64}" entries and one constant-time match is enough. Timestamps more than 5 minutes off are refused.
/// </summary>
public static class StandardWebhooksVerifier
{
    public static bool Verify(string secret, string? id, string? timestamp, string? signatureHeader, string body)
    {
        if (id is null || timestamp is null || signatureHeader is null || !long.TryParse(timestamp, out var seconds)) return false;
        if (Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return false;
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret.Replace("whsec_", "", StringComparison.Ordinal)));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes(id + "." + timestamp + "." + body));
        foreach (var entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = entry.IndexOf(',');
            if (comma < 0 || entry[..comma] != "v1") continue;
            byte[] given;
            try
            {
                given = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }
            if (CryptographicOperations.FixedTimeEquals(given, expected)) return true;
        }
        return false;
    }
}
