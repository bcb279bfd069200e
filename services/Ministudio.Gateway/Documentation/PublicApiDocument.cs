using System.Text.Json.Nodes;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;

namespace Ministudio.Gateway.Documentation;

/// <summary>
/// The one OpenAPI 3.1 document of the public API: each service's own document (<see cref="ApiDocument.Route"/>),
/// keeping exactly the paths the gateway's route table sends to that service, plus what the edge adds to every call —
/// the bearer key, the key and rate-limit problems, the RateLimit-* headers.
/// </summary>
public sealed class PublicApiDocument(IProxyConfigProvider proxy, IHttpClientFactory clients, ILogger<PublicApiDocument> logger)
{
    public const string ClientName = "openapi-sources";
    public const string SecurityScheme = "apiKey";

    /// <summary>Problems the gateway itself answers before a request reaches a service.</summary>
    public static readonly ProblemCode[] EdgeProblems =
        [ProblemCodes.AuthKeyMissing, ProblemCodes.AuthKeyInvalid, ProblemCodes.AuthUnavailable, ProblemCodes.RateLimitExceeded,
         // Any call may meet these: malformed headers or queries, a body over the limit or cut short, a service down.
         ProblemCodes.RequestInvalid, ProblemCodes.RequestBodyIncomplete, ProblemCodes.RequestNotFound, ProblemCodes.RequestMethodNotAllowed,
         ProblemCodes.RequestUnsupportedMediaType, ProblemCodes.RequestTooLarge, ProblemCodes.ServerError, ProblemCodes.UpstreamUnavailable,
         ProblemCodes.ServiceUnavailable, ProblemCodes.UpstreamTimeout];

    public static readonly string[] RateLimitHeaders = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    /// <summary>The merged document, or null (logged) when a service's document cannot be read.</summary>
    public async Task<JsonObject?> BuildAsync(CancellationToken ct)
    {
        var config = proxy.GetConfig();
        var merged = new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "Ministudio API",
                ["version"] = ApiDocument.Name,
                ["description"] = "Films, jobs, batches, library, timelines, usage and estimates for tenants (/v1, a tenant API key); " +
                                  "tenants, plans and keys for the operator (/admin/v1, the admin key). Errors are problem+json with a stable `code`.",
            },
            ["paths"] = new JsonObject(),
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
            ["tags"] = new JsonArray(),
        };
        // MCP speaks JSON-RPC at /mcp and describes itself (tools/list); it has no REST operations to document.
        foreach (var cluster in config.Clusters.Where(c => c.ClusterId != ResourceNames.Mcp))
        {
            foreach (var destination in cluster.Destinations?.Values ?? [])
            {
                var source = await FetchAsync(new Uri(new Uri(destination.Address), ApiDocument.Route.Replace("{documentName}", ApiDocument.Name)), ct);
                if (source is null) return null;
                Merge(merged, source, path => RouteFor(config.Routes, path)?.ClusterId == cluster.ClusterId, cluster.ClusterId);
                break; // Replicas serve the same document.
            }
        }
        AddEdge(merged);
        return merged;
    }

    private async Task<JsonObject?> FetchAsync(Uri address, CancellationToken ct)
    {
        try
        {
            var text = await clients.CreateClient(ClientName).GetStringAsync(address, ct);
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "The API document at {Address} could not be read", address);
            return null;
        }
    }

    /// <summary>The route YARP would pick for a path: a literal path outranks a catch-all; the longest prefix wins.</summary>
    public static RouteConfig? RouteFor(IReadOnlyList<RouteConfig> routes, string path)
    {
        RouteConfig? best = null;
        var bestRank = -1;
        foreach (var route in routes)
        {
            var template = route.Match.Path ?? "";
            var catchAll = template.IndexOf("{**", StringComparison.Ordinal);
            var rank = catchAll < 0
                ? (string.Equals(template, path, StringComparison.OrdinalIgnoreCase) ? int.MaxValue : -1)
                : (path.StartsWith(template[..catchAll], StringComparison.OrdinalIgnoreCase) ? catchAll : -1);
            if (rank > bestRank) (best, bestRank) = (route, rank);
        }
        return best;
    }

    private static void Merge(JsonObject merged, JsonObject source, Func<string, bool> routedHere, string service)
    {
        var schemas = merged["components"]!["schemas"]!.AsObject();
        // A schema name another service already used for a different shape is renamed, references included.
        var text = source.ToJsonString();
        foreach (var (name, schema) in source["components"]?["schemas"]?.AsObject() ?? [])
        {
            if (schemas[name] is { } existing && !JsonNode.DeepEquals(existing, schema))
                text = text.Replace($"\"#/components/schemas/{name}\"", $"\"#/components/schemas/{service}.{name}\"", StringComparison.Ordinal);
        }
        source = JsonNode.Parse(text)!.AsObject();
        foreach (var (name, schema) in source["components"]?["schemas"]?.AsObject() ?? [])
        {
            var target = schemas[name] is { } existing && !JsonNode.DeepEquals(existing, schema) ? $"{service}.{name}" : name;
            schemas[target] ??= schema!.DeepClone();
        }

        var paths = merged["paths"]!.AsObject();
        foreach (var (path, item) in source["paths"]?.AsObject() ?? [])
            if (routedHere(path)) paths[path] = item!.DeepClone();

        var tags = merged["tags"]!.AsArray();
        foreach (var tag in source["tags"]?.AsArray() ?? [])
            if (!tags.Any(t => t?["name"]?.GetValue<string>() == tag?["name"]?.GetValue<string>())) tags.Add(tag!.DeepClone());
    }

    /// <summary>The bearer key, the edge's problems and the rate-limit headers, on every operation.</summary>
    private static void AddEdge(JsonObject merged)
    {
        var components = merged["components"]!.AsObject();
        components["securitySchemes"] = new JsonObject
        {
            [SecurityScheme] = new JsonObject
            {
                ["type"] = "http",
                ["scheme"] = "bearer",
                ["description"] = "`Authorization: Bearer <key>`: a tenant API key for /v1, the operator's admin key for /admin/v1.",
            },
        };
        components["headers"] = new JsonObject(RateLimitHeaders.Select(h => KeyValuePair.Create<string, JsonNode?>(h, new JsonObject
        {
            ["description"] = h switch
            {
                "RateLimit-Limit" => "Requests this key's tenant may send per minute.",
                "RateLimit-Remaining" => "Requests left in the current window.",
                _ => "Seconds until the window resets.",
            },
            ["schema"] = new JsonObject { ["type"] = "integer" },
        })).Append(KeyValuePair.Create<string, JsonNode?>("Retry-After", new JsonObject
        {
            ["description"] = "Seconds to wait before retrying.",
            ["schema"] = new JsonObject { ["type"] = "integer" },
        })));
        merged["security"] = new JsonArray(new JsonObject { [SecurityScheme] = new JsonArray() });
        // Every problem carries its stable code; a validation problem names each field.
        var schemas = components["schemas"]!.AsObject();
        var problem = schemas["ProblemDetails"] as JsonObject ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
        schemas["ProblemDetails"] = problem;
        var properties = problem["properties"] as JsonObject ?? [];
        problem["properties"] = properties;
        properties["code"] = new JsonObject { ["type"] = "string", ["description"] = "Stable machine-readable code, e.g. job.not_found." };
        properties["errors"] = new JsonObject
        {
            ["type"] = "array",
            ["description"] = "A validation problem's invalid fields.",
            ["items"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["field"] = new JsonObject { ["type"] = "string" },
                    ["code"] = new JsonObject { ["type"] = "string" },
                    ["message"] = new JsonObject { ["type"] = "string" },
                },
            },
        };

        foreach (var (path, item) in merged["paths"]!.AsObject())
        {
            if (!path.StartsWith("/v1/", StringComparison.Ordinal)) continue;
            foreach (var method in Methods)
            {
                if (item![method] is not JsonObject operation) continue;
                var responses = operation["responses"] as JsonObject ?? [];
                operation["responses"] = responses;
                foreach (var group in EdgeProblems.GroupBy(p => p.Status))
                {
                    var key = group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    var response = responses[key] as JsonObject ?? new JsonObject { ["description"] = "" };
                    responses[key] = response;
                    var codes = response[ApiDocument.ProblemCodesExtension] as JsonArray ?? [];
                    response[ApiDocument.ProblemCodesExtension] = codes;
                    foreach (var edgeProblem in group)
                    {
                        if (codes.Any(code => code?.GetValue<string>() == edgeProblem.Code)) continue;
                        codes.Add(edgeProblem.Code);
                        var line = $"{edgeProblem.Code}: {edgeProblem.Title}";
                        response["description"] = response["description"]?.GetValue<string>() is { Length: > 0 } before ? $"{before}; {line}" : line;
                    }
                    response["content"] ??= new JsonObject { [ProblemMetadataExtensions.ProblemContentType] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/ProblemDetails" } } };
                }
                foreach (var (status, response) in responses)
                {
                    if (response is not JsonObject answer) continue;
                    var headers = answer["headers"] as JsonObject ?? [];
                    answer["headers"] = headers;
                    foreach (var header in RateLimitHeaders) headers[header] = new JsonObject { ["$ref"] = $"#/components/headers/{header}" };
                    if (status == "429") headers["Retry-After"] = new JsonObject { ["$ref"] = "#/components/headers/Retry-After" };
                }
            }
        }
    }
}
