extern alias gateway;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;
using PublicApiDocument = gateway::Ministudio.Gateway.Documentation.PublicApiDocument;
using IProxyConfigProvider = Yarp.ReverseProxy.Configuration.IProxyConfigProvider;

namespace Ministudio.Clients.Tests;

/// <summary>The gateway's merged OpenAPI document against what the services really map, and against the 3.1 rules.</summary>
[Collection(PlatformCollection.Name)]
public sealed partial class OpenApiDocumentTests(PlatformHosts platform)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private async Task<JsonObject> DocumentAsync()
    {
        using var client = platform.RawClient();
        var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
    }

    /// <summary>"GET /v1/jobs/{id}" for every operation of the document.</summary>
    private static HashSet<string> Operations(JsonObject document) =>
        document["paths"]!.AsObject()
            .SelectMany(p => Methods.Where(m => p.Value![m] is not null).Select(m => $"{m.ToUpperInvariant()} {Normalize(p.Key)}"))
            .ToHashSet();

    /// <summary>"GET /v1/jobs/{id}" for every endpoint the gateway routes to this service.</summary>
    private HashSet<string> PublicRoutes(IServiceProvider services, string service)
    {
        var routes = platform.Gateway.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes;
        return services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Path: Normalize("/" + e.RoutePattern.RawText!.TrimStart('/')), Methods: e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(e => (e.Path.StartsWith("/v1/", StringComparison.Ordinal) || e.Path.StartsWith("/admin/v1/", StringComparison.Ordinal)
                         || e.Path.StartsWith($"{ArtifactUrls.RoutePrefix}/", StringComparison.Ordinal))
                        && PublicApiDocument.RouteFor(routes, e.Path)?.ClusterId == service)
            .SelectMany(e => e.Methods.Select(m => $"{m} {e.Path}"))
            .ToHashSet();
    }

    /// <summary>Route constraints, a catch-all's ** and a trailing slash say nothing about which operation it is.</summary>
    private static string Normalize(string path) => Constraint().Replace(path, "{$1}").TrimEnd('/');

    [GeneratedRegex(@"\{(?:\*\*)?([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex Constraint();

    [Fact]
    public async Task Every_public_route_of_every_service_is_in_the_document_and_every_documented_one_is_mapped()
    {
        var documented = Operations(await DocumentAsync());
        var mapped = PublicRoutes(platform.Prompt.Services, ResourceNames.Prompt);
        mapped.UnionWith(PublicRoutes(platform.Dispatch.Services, ResourceNames.Dispatch));

        Assert.True(mapped.Count > 40, $"only {mapped.Count} public routes found");
        Assert.Empty(mapped.Except(documented).Order());
        Assert.Empty(documented.Except(mapped).Order());
        Assert.Contains("GET /v1/usage", documented);
        Assert.Contains("POST /admin/v1/tenants", documented);
        Assert.DoesNotContain(documented, o => o.Contains("/internal/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_document_is_valid_OpenAPI_3_1()
    {
        using var client = platform.RawClient();
        var text = await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        var settings = new OpenApiReaderSettings();
        var result = OpenApiDocument.Parse(text, OpenApiConstants.Json, settings);
        Assert.Empty(result.Diagnostic!.Errors.Select(e => $"{e.Pointer}: {e.Message}"));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);
        var errors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())?.ToList() ?? [];
        Assert.Empty(errors.Select(e => $"{e.Pointer}: {e.Message}"));
    }

    [Fact]
    public async Task Operations_name_their_problem_codes_from_the_catalogue_and_the_edge()
    {
        var document = await DocumentAsync();
        var cancel = document["paths"]!["/v1/jobs/{id}:cancel"]!["post"]!["responses"]!.AsObject();
        Assert.Equal([ProblemCodes.JobNotFound.Code, ProblemCodes.RequestNotFound.Code], Codes(cancel["404"]));
        Assert.Equal([ProblemCodes.JobNotCancelable.Code], Codes(cancel["409"]));
        Assert.Equal([ProblemCodes.AuthKeyMissing.Code, ProblemCodes.AuthKeyInvalid.Code], Codes(cancel["401"]));
        Assert.Equal([ProblemCodes.RateLimitExceeded.Code], Codes(cancel["429"]));
        Assert.NotNull(cancel["429"]!["headers"]!["Retry-After"]);
        Assert.NotNull(cancel["202"]!["headers"]!["RateLimit-Remaining"]);

        var documentedCodes = document["paths"]!.AsObject()
            .SelectMany(p => Methods.Select(m => p.Value![m]).OfType<JsonObject>())
            .SelectMany(o => o["responses"]!.AsObject().SelectMany(r => Codes(r.Value)))
            .ToHashSet();
        // Every catalogue code a client can meet appears on some operation; the rest are internal or fallbacks.
        var unreachable = new[]
        {
            ProblemCodes.AuthTenantMissing.Code, ProblemCodes.DocumentUnavailable.Code, ProblemCodes.Validation.Code,
            ProblemCodes.AuthAssertionMissing.Code, ProblemCodes.AuthAssertionInvalid.Code, ProblemCodes.AuthServiceForbidden.Code, // between services, never at the edge
            ProblemCodes.RequestRejected.Code, ProblemCodes.RequestCanceled.Code, // a fallback no route answers; a client that left
            ProblemCodes.JobDeadlineExceeded.Code, // a failed job's error, read from the job, never an answer of its own
        };
        Assert.Empty(ProblemCodes.All.Select(p => p.Code).Except(unreachable).Except(documentedCodes));
    }

    [Fact]
    public async Task Submissions_take_an_Idempotency_Key_and_every_call_needs_the_bearer_key()
    {
        var document = await DocumentAsync();
        foreach (var path in new[] { "/v1/films", "/v1/timelines", "/v1/batches" })
        {
            var parameters = document["paths"]![path]!["post"]!["parameters"]!.AsArray();
            Assert.Contains(parameters, p => p!["name"]!.GetValue<string>() == ApiDocument.IdempotencyKeyHeader && p["in"]!.GetValue<string>() == "header");
        }
        Assert.Equal("bearer", document["components"]!["securitySchemes"]![PublicApiDocument.SecurityScheme]!["scheme"]!.GetValue<string>());
        Assert.NotNull(document["security"]![0]![PublicApiDocument.SecurityScheme]);
        var film = document["paths"]!["/v1/films"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!;
        Assert.NotNull(film["properties"]?["shots"]);
    }

    [Fact]
    public async Task Request_examples_are_the_samples_and_the_API_compiles_every_film_among_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var document = await DocumentAsync();
        var samples = Path.Combine(Repository.Root, "samples");
        static Dictionary<string, JsonNode> Files(string folder) =>
            Directory.GetFiles(folder, "*.json").ToDictionary(f => Path.GetFileNameWithoutExtension(f), f => JsonNode.Parse(File.ReadAllText(f))!);
        var films = Files(samples);
        var compileOnly = Files(Path.Combine(samples, "compile-only"));
        Assert.True(films.Count >= 5, $"only {films.Count} sample films");

        AssertExamples(films, Examples(document, "/v1/films"));
        var compiled = Examples(document, "/v1/films:compile");
        AssertExamples(films.Concat(compileOnly).ToDictionary(), compiled);
        AssertExamples(Files(Path.Combine(samples, "timelines")), Examples(document, "/v1/timelines"));

        // The batch example is the sample films as JSON Lines, for both of the batch's content types.
        var batch = document["paths"]!["/v1/batches"]!["post"]!["requestBody"]!["content"]!.AsObject();
        foreach (var (type, media) in batch)
        {
            var lines = Assert.Single(media!["examples"]!.AsObject()).Value!["value"]!.GetValue<string>().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(films.Count == lines.Length, type);
            Assert.All(lines.Zip(films.OrderBy(f => f.Key, StringComparer.Ordinal)), pair => Assert.True(JsonNode.DeepEquals(pair.Second.Value, JsonNode.Parse(pair.First)), pair.Second.Key));
        }

        // An example a reader sends from the docs page is a film the API takes.
        using var client = platform.RawClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", PlatformHosts.TenantKey);
        foreach (var (name, example) in compiled)
        {
            var response = await client.PostAsync("/v1/films:compile", new StringContent(example["value"]!.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static Dictionary<string, JsonObject> Examples(JsonObject document, string path) =>
        document["paths"]![path]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject()
            .ToDictionary(e => e.Key, e => e.Value!.AsObject());

    private static void AssertExamples(Dictionary<string, JsonNode> files, Dictionary<string, JsonObject> examples)
    {
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), examples.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, file) in files)
        {
            Assert.True(JsonNode.DeepEquals(file, examples[name]["value"]), $"example {name} differs from its sample");
            Assert.False(string.IsNullOrWhiteSpace(examples[name]["summary"]?.GetValue<string>()), name);
        }
    }

    [Fact]
    public async Task The_docs_page_is_served_with_its_script_from_the_gateway_itself()
    {
        using var client = platform.RawClient();
        var html = await client.GetStringAsync("/docs", TestContext.Current.CancellationToken);
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.DoesNotContain(scripts, s => s.StartsWith("http", StringComparison.OrdinalIgnoreCase) || s.StartsWith("//", StringComparison.Ordinal));
        var sizes = new List<int>();
        foreach (var script in scripts)
        {
            var response = await client.GetAsync(new Uri(new Uri(platform.GatewayUrl, "/docs/"), script), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            sizes.Add((await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken)).Length);
        }
        // Scalar's whole application bundle (megabytes) comes from the gateway, not a CDN.
        Assert.Contains(sizes, size => size > 500_000);
        Assert.True(html.Contains("openapi/v1.json", StringComparison.Ordinal) || html.Contains("openapi\\/v1.json", StringComparison.Ordinal), html);
    }

    [GeneratedRegex("<script[^>]*src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();

    private static IReadOnlyList<string> Codes(JsonNode? response) =>
        (response?[ApiDocument.ProblemCodesExtension] as JsonArray)?.Select(c => c!.GetValue<string>()).ToList() ?? [];
}
