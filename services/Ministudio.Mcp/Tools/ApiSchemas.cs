using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Mcp.Authentication;
using Ministudio.Platform;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Ministudio.Mcp.Tools;

/// <summary>
/// The input schemas of the tools that take a request body are the body schemas of the public OpenAPI document (the
/// gateway's <c>/openapi/v1.json</c>), so a model sees the same film the API validates. Read once, on the first
/// tools/list that succeeds in reading it (the gateway starts after this service).
/// </summary>
public sealed class ApiSchemas(IHttpClientFactory clients, ILogger<ApiSchemas> logger)
{
    public const string DocumentPath = "openapi/v1.json";

    /// <summary>Tool → its body argument and the operation (POST path) whose request body describes it.</summary>
    private static readonly Dictionary<string, (string Argument, string Path)> Bodies = new()
    {
        [StudioTools.CompileFilmName] = ("film", "/v1/films:compile"),
        [JobTools.RenderFilmName] = ("film", "/v1/films"),
        [StudioTools.CreateCharacterName] = ("character", "/v1/characters"),
    };

    private JsonObject? _document;

    public static McpRequestHandler<ListToolsRequestParams, ListToolsResult> ListToolsFilter(McpRequestHandler<ListToolsRequestParams, ListToolsResult> next) =>
        async (context, ct) =>
        {
            var result = await next(context, ct);
            await context.Services!.GetRequiredService<ApiSchemas>().ApplyAsync(result.Tools, ct);
            return result;
        };

    public async Task ApplyAsync(IList<Tool> tools, CancellationToken ct)
    {
        var document = await DocumentAsync(ct);
        foreach (var tool in tools)
        {
            if (!Bodies.TryGetValue(tool.Name, out var body)) continue;
            tool.InputSchema = InputSchema(document, tool.InputSchema, body.Argument, body.Path);
        }
    }

    /// <summary>
    /// The tool's own schema with the body argument's schema replaced by the operation's request body schema; the
    /// document's component schemas it reaches come along as <c>$defs</c>, references rewritten to point there.
    /// </summary>
    public static JsonElement InputSchema(JsonObject document, JsonElement toolSchema, string argument, string path)
    {
        var bodySchema = document["paths"]?[path]?["post"]?["requestBody"]?["content"]?["application/json"]?["schema"]
                         ?? throw new InvalidOperationException($"The API document describes no JSON body for POST {path}.");
        var components = document["components"]?["schemas"] as JsonObject ?? [];
        var defs = new JsonObject();
        var pending = new Queue<JsonNode>([bodySchema]);
        while (pending.TryDequeue(out var node))
        {
            foreach (var name in References(node))
            {
                if (defs.ContainsKey(name) || components[name] is not { } schema) continue;
                defs[name] = schema.DeepClone();
                pending.Enqueue(schema);
            }
        }
        var input = JsonNode.Parse(toolSchema.GetRawText())!.AsObject();
        var properties = input["properties"] as JsonObject ?? [];
        input["properties"] = properties;
        var description = properties[argument]?["description"]?.GetValue<string>();
        var argumentSchema = bodySchema.DeepClone().AsObject();
        if (description is not null) argumentSchema["description"] = description;
        properties[argument] = argumentSchema;
        if (defs.Count > 0) input["$defs"] = defs;
        var text = input.ToJsonString().Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IEnumerable<string> References(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                        yield return reference["#/components/schemas/".Length..];
                    else if (value is not null)
                        foreach (var name in References(value)) yield return name;
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                    if (item is not null)
                        foreach (var name in References(item)) yield return name;
                break;
        }
    }

    private async Task<JsonObject> DocumentAsync(CancellationToken ct)
    {
        if (_document is { } known) return known;
        try
        {
            var text = await clients.CreateClient(GatewayApi.ClientName).GetStringAsync(DocumentPath, ct);
            return _document = JsonNode.Parse(text)!.AsObject();
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            logger.LogWarning(ex, "The API document could not be read from the gateway");
            throw new McpProtocolException(ProblemCodes.DocumentUnavailable.Title, McpErrorCode.InternalError);
        }
    }
}
