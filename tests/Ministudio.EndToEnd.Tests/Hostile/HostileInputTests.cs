using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Ministudio.ServiceDefaults;

namespace Ministudio.EndToEnd.Tests.Hostile;

/// <summary>
/// Runs <see cref="HostileCorpus"/> against the running platform: no 5xx, every 4xx is problem+json with a code, no body
/// reveals internals, and the platform still serves a valid request afterwards.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HostileInputTests(PlatformFixture platform)
{
    private static readonly string[] Internals =
        ["Exception", "   at ", "Npgsql", "SqlState", "System.", "Microsoft.", "StackTrace", "stackTrace", "localhost:", "127.0.0.1", "/tmp/", "/home/"];

    private static IReadOnlyDictionary<string, string>? _ids;
    private static readonly SemaphoreSlim IdsLock = new(1, 1);

    public static TheoryData<HostileCase> Corpus => new(HostileCorpus.All());

    [Fact]
    public void The_corpus_has_at_least_250_cases() => Assert.True(HostileCorpus.All().Count() >= 250, $"{HostileCorpus.All().Count()} cases");

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task A_hostile_request_gets_a_clean_problem(HostileCase hostile)
    {
        var ids = await IdsAsync();
        using var client = ClientFor(hostile.Sender);
        using var request = hostile.Build(ids);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var status = (int)response.StatusCode;
        var answer = $"{status} {response.Content.Headers.ContentType} {body[..Math.Min(body.Length, 600)]}";

        Assert.True(status < 500, answer);
        Assert.DoesNotContain(Internals, marker => body.Contains(marker, StringComparison.Ordinal));
        if (hostile.Status is { } expected) Assert.True(expected == status, $"expected {expected}, got {answer}");
        if (status >= 400)
        {
            Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", answer);
            var code = JsonNode.Parse(body)?["code"]?.GetValue<string>();
            Assert.False(string.IsNullOrEmpty(code), answer);
            if (hostile.Code is not null) Assert.True(hostile.Code == code, $"expected code {hostile.Code}, got {answer}");
        }
    }

    [Fact]
    public async Task After_the_corpus_a_valid_film_still_compiles_and_the_tenant_still_lists_jobs()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var compiled = await client.PostAsync("/v1/films:compile", HostileCase.Json("""{"title":"Calm","aspectRatio":"16:9","shots":[{"action":"A gull lands","durationSeconds":2}]}"""), TestContext.Current.CancellationToken);
        Assert.True(compiled.StatusCode == HttpStatusCode.OK, await compiled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/jobs", TestContext.Current.CancellationToken)).StatusCode);
    }

    private HttpClient ClientFor(Sender sender)
    {
        // Header values go out as UTF-8 so that the non-ASCII cases reach the gateway as a hostile client would send them.
        var handler = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        var (baseAddress, key) = sender switch
        {
            Sender.Tenant => (platform.GatewayUrl, platform.DevelopmentKey),
            Sender.OtherTenant => (platform.GatewayUrl, platform.OtherTenantKey),
            Sender.Admin => (platform.GatewayUrl, platform.AdminKey),
            Sender.Anonymous => (platform.GatewayUrl, null),
            Sender.DirectPrompt => (platform.ServiceUrl(ResourceNames.Prompt), null),
            Sender.DirectDispatch => (platform.ServiceUrl(ResourceNames.Dispatch), null),
            Sender.DirectCompose => (platform.ServiceUrl(ResourceNames.Compose), null),
            Sender.DirectMcp => (platform.ServiceUrl(ResourceNames.Mcp), null),
            _ => (platform.ServiceUrl(ResourceNames.Render), null),
        };
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(1) };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The tenant's own resources that the corpus's paths name, made once.</summary>
    private async Task<IReadOnlyDictionary<string, string>> IdsAsync()
    {
        await IdsLock.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _ids ??= await CreateIdsAsync();
        }
        finally
        {
            IdsLock.Release();
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> CreateIdsAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var tenant = platform.GatewayClient(platform.DevelopmentKey);
        var admin = platform.GatewayClient(platform.AdminKey);
        async Task<string> IdOf(HttpResponseMessage response, string field = "id")
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonNode.Parse(text)![field]!.ToString();
        }
        var run = Guid.NewGuid().ToString("N")[..8];
        var character = await IdOf(await tenant.PostAsync("/v1/characters", HostileCase.Json("{\"name\":\"Corpus Ada " + run + "\",\"identity\":{\"hair\":\"red\"}}"), ct));
        var job = await IdOf(await tenant.PostAsync("/v1/films", HostileCase.Json("""{"title":"Corpus film","aspectRatio":"16:9","provider":"mock","shots":[{"action":"A gull lands","durationSeconds":1}]}"""), ct));
        var webhook = await IdOf(await tenant.PostAsync("/v1/webhooks", HostileCase.Json("""{"url":"https://8.8.8.8/hook","events":["job.succeeded"]}"""), ct));
        var batch = (await (await tenant.PostAsync("/v1/batches", HostileCase.Raw(Encoding.UTF8.GetBytes(
            """{"title":"Corpus batch","aspectRatio":"16:9","provider":"mock","shots":[{"action":"A bell rings","durationSeconds":1}]}""" + "\n"), "application/x-ndjson"), ct))
            .Content.ReadFromJsonAsync<JsonObject>(ct))!["batch"]!["id"]!.ToString();
        Assert.True((await admin.PutAsync("/admin/v1/plans/corpus", HostileCase.Json("""{"rateLimitPerMinute":600,"concurrentJobs":2}"""), ct)).IsSuccessStatusCode);
        var created = await IdOf(await admin.PostAsync("/admin/v1/tenants", HostileCase.Json("{\"name\":\"Corpus tenant " + run + "\",\"plan\":\"corpus\"}"), ct));
        return new Dictionary<string, string>
        {
            ["character"] = character, ["job"] = job, ["webhook"] = webhook, ["batch"] = batch, ["tenant"] = created, ["missing"] = Guid.NewGuid().ToString(),
        };
    }
}
