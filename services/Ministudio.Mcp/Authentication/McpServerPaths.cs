namespace Ministudio.Mcp.Authentication;

/// <summary>Where the MCP endpoint is, in this service and behind the gateway (the same path).</summary>
public static class McpServerPaths
{
    public const string Endpoint = "/mcp";
}
