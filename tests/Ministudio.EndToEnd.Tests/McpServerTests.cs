using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Ministudio.EndToEnd.Tests;

/// <summary>
/// The MCP server as an assistant meets it: the official MCP C# client on the gateway's /mcp, with a tenant's API key.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class McpServerTests(PlatformFixture platform)
{
    private static readonly string[] Tools =
        ["cancel_job", "compile_film", "create_character", "get_job", "get_usage", "list_style_packs", "list_templates", "render_film"];

    private static string SmallFilm(string title) =>
        $$"""{"title":"{{title}}","aspectRatio":"16:9","provider":"mock","seed":7,"shots":[{"action":"A heron lifts off the water","durationSeconds":1},{"action":"The heron circles the lighthouse","durationSeconds":1}]}""";

    [Fact]
    public async Task Tools_compile_and_render_a_film_whose_video_is_a_resource_only_its_own_tenant_can_read()
    {
        var ct = TestContext.Current.CancellationToken;
        var wire = new McpWireRecorder(Transport(platform.DevelopmentKey));
        await using var mcp = await McpClient.CreateAsync(wire, cancellationToken: ct);

        var tools = await mcp.ListToolsAsync(cancellationToken: ct);
        Assert.Equal(Tools, tools.Select(t => t.Name).Order());
        // The film argument is the OpenAPI document's film schema, its component schemas carried along as $defs.
        var compileSchema = JsonNode.Parse(tools.Single(t => t.Name == "compile_film").ProtocolTool.InputSchema.GetRawText())!;
        Assert.Equal(["film"], compileSchema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        var film = compileSchema["properties"]!["film"]!;
        var filmDefinition = film["$ref"] is { } reference ? compileSchema["$defs"]![reference.GetValue<string>()["#/$defs/".Length..]]! : film;
        Assert.NotNull(filmDefinition["properties"]!["shots"]);
        Assert.DoesNotContain("#/components/", compileSchema.ToJsonString(), StringComparison.Ordinal);

        var title = $"MCP heron {Guid.NewGuid():N}";
        var compiled = await mcp.CallToolAsync("compile_film", Arguments(("film", SmallFilm(title))), cancellationToken: ct);
        Assert.True(compiled.IsError is not true, Text(compiled));
        var shots = compiled.StructuredContent!.Value.GetProperty("shots");
        Assert.Equal(2, shots.GetArrayLength());
        Assert.All(shots.EnumerateArray(), shot => Assert.Contains("heron", shot.GetProperty("prompt").GetString()!, StringComparison.OrdinalIgnoreCase));

        var progress = new ConcurrentQueue<ProgressNotificationValue>();
        var rendered = await mcp.CallToolAsync("render_film", Arguments(("film", SmallFilm(title))), new Recorder(progress), cancellationToken: ct);
        Assert.True(rendered.IsError is not true, Text(rendered));
        var job = JsonNode.Parse(Text(rendered))!;
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        // Progress was reported while the film was made, each notice saying where the job is...
        Assert.NotEmpty(progress);
        Assert.All(progress, p => Assert.False(string.IsNullOrEmpty(p.Message)));
        // ...and the notices end complete before the result. Judged in wire order: the client's handler may miss the
        // last notices, which its SDK delivers on other threads than the result (see McpWireRecorder).
        var received = wire.Received;
        var result = received.Select((message, at) => (message, at)).Last(m => m.message is JsonRpcResponse).at;
        var notices = received.Take(result).OfType<JsonRpcNotification>()
            .Where(n => n.Method == NotificationMethods.ProgressNotification)
            .Select(n => n.Params!["progress"]!.GetValue<float>()).ToList();
        Assert.NotEmpty(notices);
        Assert.Equal(1f, notices[^1]);

        var jobId = job["id"]!.GetValue<string>();
        var videoUri = job["resources"]!.AsArray().Single(r => r!["name"]!.GetValue<string>() == "video")!["uri"]!.GetValue<string>();
        Assert.Equal($"ministudio://jobs/{jobId}/video", videoUri);
        var video = Assert.IsType<BlobResourceContents>(Assert.Single((await mcp.ReadResourceAsync(videoUri, cancellationToken: ct)).Contents));
        Assert.Equal("video/mp4", video.MimeType);
        var bytes = video.DecodedData.ToArray();
        Assert.Equal("ftyp", Encoding.ASCII.GetString(bytes, 4, 4));
        Assert.Equal(job["video"]!["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));

        var fetched = await mcp.CallToolAsync("get_job", Arguments(("jobId", jobId)), cancellationToken: ct);
        Assert.Equal("succeeded", fetched.StructuredContent!.Value.GetProperty("status").GetString());

        // Another tenant's key sees neither the job nor its video.
        await using var stranger = await ConnectAsync(platform.OtherTenantKey, ct);
        var hidden = await stranger.CallToolAsync("get_job", Arguments(("jobId", jobId)), cancellationToken: ct);
        Assert.True(hidden.IsError);
        Assert.Equal("job.not_found", hidden.StructuredContent!.Value.GetProperty("code").GetString());
        var refused = await Assert.ThrowsAsync<McpProtocolException>(async () => await stranger.ReadResourceAsync(videoUri, cancellationToken: ct));
        Assert.Equal(McpErrorCode.ResourceNotFound, refused.ErrorCode);
        Assert.Contains("job.not_found", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_film_is_a_tool_error_carrying_the_APIs_field_errors()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mcp = await ConnectAsync(platform.DevelopmentKey, ct);

        // What the API answers POST /v1/films:compile with, field by field.
        const string invalid = """{"title":"Bad","aspectRatio":"16:9","provider":"mock","shots":[{"action":"A gull","durationSeconds":-3}]}""";
        using var api = platform.GatewayClient(platform.DevelopmentKey);
        using var direct = await api.PostAsync("/v1/films:compile", new StringContent(invalid, Encoding.UTF8, "application/json"), ct);
        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        var problem = (await direct.Content.ReadFromJsonAsync<JsonObject>(ct))!;

        var result = await mcp.CallToolAsync("compile_film", Arguments(("film", invalid)), cancellationToken: ct);
        Assert.True(result.IsError, Text(result));
        var error = JsonNode.Parse(Text(result))!;
        Assert.Equal(400, error["status"]!.GetValue<int>());
        Assert.Equal(problem["code"]!.GetValue<string>(), error["code"]!.GetValue<string>());
        Assert.NotEmpty(error["errors"]!.AsArray());
        Assert.True(JsonNode.DeepEquals(problem["errors"], error["errors"]), $"API: {problem["errors"]}; tool: {error["errors"]}");
        Assert.Contains(error["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>().Contains("durationSeconds", StringComparison.Ordinal));

        // An argument refused before any API call names its field the same way.
        var badId = await mcp.CallToolAsync("get_job", Arguments(("jobId", "not-a-job")), cancellationToken: ct);
        Assert.True(badId.IsError);
        Assert.Equal("jobId", badId.StructuredContent!.Value.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task A_request_without_a_valid_key_is_refused_before_any_MCP_message_is_read()
    {
        var ct = TestContext.Current.CancellationToken;
        const string initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"probe","version":"1"}}}""";
        foreach (var (key, code) in new[] { ((string?)null, "auth.key_missing"), ("ms_test_not_a_real_key", "auth.key_invalid"), (Ministudio.Platform.ApiKeys.Generate(Ministudio.Platform.ApiKeys.Test), "auth.key_invalid") })
        {
            using var client = platform.GatewayClient(key);
            using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(initialize, Encoding.UTF8, "application/json") };
            request.Headers.Accept.ParseAdd("application/json");
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await client.SendAsync(request, ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["code"]!.GetValue<string>());
        }
        // The official client cannot even connect with a bad key.
        await Assert.ThrowsAnyAsync<Exception>(async () => await ConnectAsync(Ministudio.Platform.ApiKeys.Generate(Ministudio.Platform.ApiKeys.Test), ct));
    }

    private Task<McpClient> ConnectAsync(string key, CancellationToken ct) => McpClient.CreateAsync(Transport(key), cancellationToken: ct);

    private HttpClientTransport Transport(string key) => new(new HttpClientTransportOptions
    {
        Endpoint = new Uri(platform.GatewayUrl, "/mcp"),
        TransportMode = HttpTransportMode.StreamableHttp,
        AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
    });

    private static Dictionary<string, object?> Arguments(params (string Name, string Json)[] arguments) =>
        arguments.ToDictionary(a => a.Name, a => (object?)(a.Json.StartsWith('{') ? JsonDocument.Parse(a.Json).RootElement.Clone() : a.Json));

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));

    /// <summary>Keeps every progress notification (IProgress&lt;T&gt; without a synchronization context, unlike Progress&lt;T&gt;).</summary>
    private sealed class Recorder(ConcurrentQueue<ProgressNotificationValue> into) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => into.Enqueue(value);
    }
}
