using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Client;
using Ministudio.Mcp.Authentication;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Ministudio.Mcp.Tools;

/// <summary>The studio: what can be used in a film, the library, and the dry run of a film.</summary>
[McpServerToolType]
public sealed class StudioTools(GatewayApi api)
{
    public const string CreateCharacterName = "create_character";
    public const string CompileFilmName = "compile_film";

    [McpServerTool(Name = "list_style_packs", ReadOnly = true, Idempotent = true)]
    [Description("The built-in style packs: named looks (palette, lighting, camera language) a film's style can start from.")]
    public Task<CallToolResult> ListStylePacks(CancellationToken ct) =>
        ToolResults.CallAsync(() => api.Caller.ListStylePacksAsync(ct));

    [McpServerTool(Name = "list_templates", ReadOnly = true, Idempotent = true)]
    [Description("The film templates, built-in and the tenant's own: starting points for a film (shot structure, pacing) to fill in.")]
    public Task<CallToolResult> ListTemplates(CancellationToken ct) =>
        ToolResults.CallAsync(() => api.Caller.ListTemplatesAsync(ct));

    [McpServerTool(Name = CreateCharacterName, Destructive = false)]
    [Description("Saves a character in the tenant's library (its name must be new), so films can use it by name and every shot draws the same person.")]
    public Task<CallToolResult> CreateCharacter(
        [Description("The character, as a film's characters[] entry.")] JsonElement character, CancellationToken ct) =>
        ToolResults.CallAsync(() => api.Caller.CreateLibraryItemAsync(LibraryKinds.Characters, JsonNode.Parse(ToolResults.BodyText(character))!, ct));

    [McpServerTool(Name = CompileFilmName, ReadOnly = true, Idempotent = true)]
    [Description("The dry run of a film: every shot's compiled prompt and provider request, and the warnings (what was adapted to a vendor), with no job and no cost. Invalid films answer the API's field errors.")]
    public Task<CallToolResult> CompileFilm(
        [Description("The film, as POST /v1/films takes it.")] JsonElement film, CancellationToken ct) =>
        ToolResults.CallAsync(() => api.Caller.CompileFilmAsync(ToolResults.BodyText(film), ct));
}
