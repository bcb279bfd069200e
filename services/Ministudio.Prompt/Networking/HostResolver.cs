using System.Net;

namespace Ministudio.Prompt.Networking;

/// <summary>Name resolution behind the guard; tests replace it to make names resolve to chosen addresses without DNS.</summary>
public interface IHostResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsHostResolver : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}
