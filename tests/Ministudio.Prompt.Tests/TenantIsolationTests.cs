using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Prompt.Jobs;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Every tenant route that takes an id, found from the app's own endpoint table (so a new route is covered, or fails
/// here until it is): another tenant's id must look exactly like an id that does not exist.
/// </summary>
public sealed partial class TenantIsolationTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Webhook URLs pass the SSRF guard at registration; this test registers one on loopback, never delivered to.
    public async ValueTask InitializeAsync() =>
        _app = await PromptApp.StartAsync(new Dictionary<string, string> { ["Networking:Ssrf:AllowLoopback"] = "true" });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private sealed record Resource(string Id, string MissingId, object? Body);

    [Fact]
    public async Task Another_tenants_resource_answers_byte_for_byte_like_a_missing_one_on_every_route_with_an_id()
    {
        var resources = await CreateAcmeResourcesAsync();
        var routes = _app.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Count > 0)
            .Where(e => e.RoutePattern.RawText!.StartsWith("/v1/", StringComparison.Ordinal))
            .ToList();
        Assert.True(routes.Count >= 10, $"Only {routes.Count} routes with an id were found.");

        var stranger = _app.ClientFor(_app.Globex);
        var checkedRoutes = new List<string>();
        foreach (var route in routes)
        {
            var template = route.RoutePattern.RawText!;
            Assert.True(route.RoutePattern.Parameters.Count(p => !OtherParameters.ContainsKey(p.Name)) == 1, $"{template}: teach this test about routes with several ids.");
            var (prefix, resource) = resources.SingleOrDefault(r => template.StartsWith(r.Key, StringComparison.Ordinal));
            Assert.True(resource is not null, $"{template} takes an id, but this test creates no resource of tenant A for it: add one.");
            foreach (var method in route.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods)
            {
                var missing = await SendAsync(stranger, method, template, resource.MissingId, resource.Body);
                var foreign = await SendAsync(stranger, method, template, resource.Id, resource.Body);
                Assert.True(missing.Status == HttpStatusCode.NotFound, $"{method} {template} with a missing id: {missing.Status}");
                Assert.True(foreign.Status == HttpStatusCode.NotFound, $"{method} {template} with tenant A's id as tenant B: {foreign.Status} {foreign.Body}");
                Assert.Equal(missing.ContentType, foreign.ContentType);
                Assert.Equal(Normalize(missing.Body, resource.MissingId), Normalize(foreign.Body, resource.Id));
                checkedRoutes.Add($"{method} {template}");
            }
        }
        Assert.Contains("POST /v1/jobs/{id:guid}:cancel", checkedRoutes);
        Assert.Contains("DELETE /v1/characters/{id:guid}", checkedRoutes);

        // Nothing tenant B did reached tenant A's resources.
        var owner = _app.ClientFor(_app.Acme);
        foreach (var (prefix, resource) in resources)
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"{prefix}{resource.Id}", Ct)).StatusCode);
        Assert.Equal(JobStatus.Queued, (await owner.GetFromJsonAsync<JobView>($"/v1/jobs/{resources["/v1/jobs/"].Id}", JsonSerializerOptions.Web, Ct))!.Status);
    }

    private async Task<Dictionary<string, Resource>> CreateAcmeResourcesAsync()
    {
        var owner = _app.ClientFor(_app.Acme);
        async Task<string> CreateAsync(string path, object body, string idProperty = "id")
        {
            var response = await owner.PostAsJsonAsync(path, body, JsonSerializerOptions.Web, Ct);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
            return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))![idProperty]!.ToString();
        }

        var environment = new { location = "a lighthouse on a cliff" };
        var style = new { name = "house style" };
        var template = TemplateShapeTests.Promo();
        var image = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4]);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var uploaded = await owner.PostAsync("/v1/images", image, Ct);
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var sha = (await uploaded.Content.ReadFromJsonAsync<JsonObject>(Ct))!["sha256"]!.GetValue<string>();

        var webhook = new { url = "http://127.0.0.1:9/hooks", events = new[] { "job.succeeded" } };
        var batchLines = new StringContent(JsonSerializer.Serialize(FilmSamples.ThreeShots(), JsonSerializerOptions.Web) + "\n");
        batchLines.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        var batch = await owner.PostAsync("/v1/batches", batchLines, Ct);
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);

        return new Dictionary<string, Resource>
        {
            ["/v1/webhooks/"] = new(await CreateAsync("/v1/webhooks", webhook), Guid.NewGuid().ToString(), webhook),
            ["/v1/batches/"] = new((await batch.Content.ReadFromJsonAsync<JsonObject>(Ct))!["batch"]!["id"]!.ToString(), Guid.NewGuid().ToString(), null),
            ["/v1/jobs/"] = new(await CreateAsync("/v1/films", FilmSamples.ThreeShots()), Guid.NewGuid().ToString(), null),
            ["/v1/characters/"] = new(await CreateAsync("/v1/characters", FilmSamples.Mira), Guid.NewGuid().ToString(), FilmSamples.Mira),
            ["/v1/environments/"] = new(await CreateAsync("/v1/environments", environment), Guid.NewGuid().ToString(), environment),
            ["/v1/styles/"] = new(await CreateAsync("/v1/styles", style), Guid.NewGuid().ToString(), style),
            ["/v1/templates/"] = new(await CreateAsync("/v1/templates", template), Guid.NewGuid().ToString(), template),
            ["/v1/images/"] = new(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())), null),
        };
    }

    private static async Task<(HttpStatusCode Status, string? ContentType, string Body)> SendAsync(HttpClient client, string method, string template, string id, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method),
            RouteParameter().Replace(template, m => OtherParameters.GetValueOrDefault(m.Groups[1].Value, id)));
        if (body is not null && method is "POST" or "PUT") request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The body with the id asked for as a placeholder and without the per-request trace id.</summary>
    private static string Normalize(string body, string id)
    {
        var problem = JsonNode.Parse(body)!.AsObject();
        problem.Remove("traceId");
        return problem.ToJsonString().Replace(id, "{id}", StringComparison.Ordinal);
    }

    /// <summary>Values for the parameters of a route that are not the resource's id (a shot's index, a deliverable's name).</summary>
    private static readonly Dictionary<string, string> OtherParameters = new() { ["index"] = "0", ["name"] = "poster.jpg" };

    [GeneratedRegex(@"\{\**([a-zA-Z0-9]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
