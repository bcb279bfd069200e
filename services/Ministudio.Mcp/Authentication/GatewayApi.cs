using Ministudio.Client;

namespace Ministudio.Mcp.Authentication;

/// <summary>
/// The platform's public API, as the caller of this request: a <see cref="MinistudioClient"/> on the gateway with the
/// key the caller sent (checked by <see cref="CallerKeyMiddleware"/>).
/// </summary>
public sealed class GatewayApi(IHttpClientFactory clients, IHttpContextAccessor accessor) : IDisposable
{
    public const string ClientName = "gateway";
    private const string KeyItem = "ministudio.caller-key";
    private MinistudioClient? _client;

    public static void SetCallerKey(HttpContext context, string key) => context.Items[KeyItem] = key;

    /// <summary>The caller's client; only reachable after the key was checked.</summary>
    public MinistudioClient Caller => _client ??= ClientFor(
        accessor.HttpContext?.Items[KeyItem] as string ?? throw new InvalidOperationException("No checked API key for this request."));

    /// <summary>
    /// Asks the gateway whether the key is good with the cheapest tenant call there is (the static style packs); a bad
    /// key throws the gateway's own problem (auth.key_missing, auth.key_invalid, rate_limit.exceeded).
    /// </summary>
    public async Task VerifyKeyAsync(string key, CancellationToken ct)
    {
        using var client = ClientFor(key, maxRetries: 0);
        await client.ListStylePacksAsync(ct);
    }

    private MinistudioClient ClientFor(string key, int maxRetries = 3)
    {
        var http = clients.CreateClient(ClientName);
        return new MinistudioClient(http, new MinistudioClientOptions { BaseAddress = http.BaseAddress!, ApiKey = key, MaxRetries = maxRetries });
    }

    public void Dispose() => _client?.Dispose();
}
