using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;

namespace Ministudio.Prompt.Networking;

/// <summary>
/// Keeps tenant-supplied URLs (webhooks, image fetches) away from the platform's own network. URLs are checked up front
/// (scheme, user-info, port, literal addresses in any spelling) and again at connect time, where the guard resolves the
/// name itself and connects only to an address it has checked — so DNS rebinding between check and use gains nothing.
/// </summary>
public sealed class SsrfGuard(SsrfGuardOptions options, IHostResolver resolver)
{
    public const string CodeInvalid = "url.invalid";
    public const string CodeScheme = "url.scheme_not_allowed";
    public const string CodeUserInfo = "url.userinfo_not_allowed";
    public const string CodePort = "url.port_not_allowed";
    public const string CodeBlocked = "url.address_blocked";
    public const string CodeUnresolvable = "url.unresolvable";

    // Loopback, private, shared, link-local (cloud metadata), documentation, benchmarking, reserved, multicast and
    // broadcast ranges (RFC 6890 special-purpose registries); none of them is a tenant's public endpoint.
    private static readonly IPNetwork[] BlockedV4 =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
            "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
        }.Select(IPNetwork.Parse),
    ];

    private static readonly IPNetwork[] BlockedV6 =
    [
        .. new[]
        {
            "::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "2002::/16",
            "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(IPNetwork.Parse),
    ];

    public SsrfGuardOptions Options => options;

    /// <summary>Checks what can be checked without the network: scheme, user-info, host spelling and literal addresses.</summary>
    public SsrfRefusal? CheckUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var parsed))
            return new(CodeInvalid, "The URL is not an absolute http(s) URL.");
        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
            return new(CodeScheme, $"Only http and https URLs are allowed, not '{parsed.Scheme}'.");
        if (parsed.UserInfo.Length > 0 || HasUserInfo(url))
            return new(CodeUserInfo, "URLs may not carry a user name or password.");
        if (string.IsNullOrEmpty(parsed.IdnHost)) return new(CodeInvalid, "The URL has no host.");
        if (TryParseNumericHost(parsed.IdnHost, out var literal))
        {
            if (literal is null) return new(CodeInvalid, $"'{parsed.Host}' is not a valid address.");
            if (Refuse(literal) is { } refusal) return refusal;
        }
        if (!options.Ports.Contains(parsed.Port) && !(options.AllowLoopback && IsLoopbackHost(parsed.IdnHost)))
            return new(CodePort, $"Port {parsed.Port} is not allowed; use one of {string.Join(", ", options.Ports)}.");
        uri = parsed;
        return null;
    }

    /// <summary>The URL check plus name resolution: refused when any address the name resolves to is refused.</summary>
    public async Task<SsrfRefusal?> CheckAsync(string? url, CancellationToken ct)
    {
        if (CheckUrl(url, out var uri) is { } refusal) return refusal;
        var (_, addressRefusal) = await ResolveAllowedAsync(uri!.IdnHost, ct);
        return addressRefusal;
    }

    /// <summary>Why an address must not be contacted, or null when it may.</summary>
    public SsrfRefusal? Refuse(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6)
            return new(CodeBlocked, $"{address} is an IPv4-mapped IPv6 address; use the IPv4 address.");
        if (options.AllowLoopback && IPAddress.IsLoopback(address)) return null;
        var blocked = address.AddressFamily switch
        {
            AddressFamily.InterNetwork => BlockedV4.Any(n => n.Contains(address)),
            AddressFamily.InterNetworkV6 => BlockedV6.Any(n => n.Contains(address)),
            _ => true,
        };
        return blocked ? new(CodeBlocked, $"{address} is a loopback, private, link-local or reserved address.") : null;
    }

    /// <summary>The host's addresses that may be contacted; a refusal when there are none or any of them is refused.</summary>
    public async Task<(IPAddress[] Addresses, SsrfRefusal? Refusal)> ResolveAllowedAsync(string host, CancellationToken ct)
    {
        host = host.Trim('[', ']');
        IPAddress[] addresses;
        if (TryParseNumericHost(host, out var literal))
        {
            if (literal is null) return ([], new(CodeInvalid, $"'{host}' is not a valid address."));
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, ct);
            }
            catch (SocketException)
            {
                addresses = [];
            }
        }
        if (addresses.Length == 0) return ([], new(CodeUnresolvable, $"'{host}' does not resolve to any address."));
        // One refused address refuses the name: a name that mixes public and private answers is a rebinding attempt.
        foreach (var address in addresses)
        {
            if (Refuse(address) is { } refusal) return ([], refusal);
        }
        return (addresses, null);
    }

    /// <summary>
    /// A handler that connects only to checked addresses and never follows redirects by itself; see
    /// <see cref="GuardedHttpClient"/> for the redirect loop that re-checks every hop.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = options.ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = ConnectAsync,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var (addresses, refusal) = await ResolveAllowedAsync(context.DnsEndPoint.Host, ct);
        if (refusal is not null) throw new SsrfBlockedException(refusal);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || TryParseNumericHost(host, out var address) && address is not null && IPAddress.IsLoopback(address);

    private static bool HasUserInfo(string url)
    {
        var afterScheme = url.IndexOf("//", StringComparison.Ordinal);
        if (afterScheme < 0) return false;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], afterScheme + 2);
        var authority = authorityEnd < 0 ? url[(afterScheme + 2)..] : url[(afterScheme + 2)..authorityEnd];
        return authority.Contains('@', StringComparison.Ordinal);
    }

    /// <summary>
    /// True when the host is an address rather than a name, in any spelling a resolver would accept: IPv6, dotted IPv4,
    /// and the inet_aton forms (2130706433, 0x7f.1, 0177.0.0.1); <paramref name="address"/> is null when such a host is
    /// no valid address.
    /// </summary>
    public static bool TryParseNumericHost(string host, out IPAddress? address)
    {
        address = null;
        host = host.Trim('[', ']');
        if (host.Contains(':', StringComparison.Ordinal))
        {
            address = IPAddress.TryParse(host, out var v6) ? v6 : null;
            return true;
        }
        var trimmed = host.TrimEnd('.');
        if (trimmed.Length == 0 || !trimmed.All(c => char.IsAsciiHexDigit(c) || c is '.' or 'x' or 'X')) return false;
        // A last label that is not numeric makes it a name (e.g. "cafe.de"), as WHATWG's URL host parser decides.
        var last = trimmed.Split('.')[^1];
        if (!(last.All(char.IsAsciiDigit) || last.StartsWith("0x", StringComparison.OrdinalIgnoreCase))) return false;
        address = ParseInetAton(trimmed);
        return true;
    }

    private static IPAddress? ParseInetAton(string host)
    {
        var parts = host.Split('.');
        if (parts.Length > 4) return null;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var (digits, radix) = part.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? (part[2..], 16)
                : part.Length > 1 && part[0] == '0' ? (part[1..], 8)
                : (part, 10);
            if (!TryParseRadix(digits, radix, out values[i])) return null;
        }
        // Every part but the last is one byte; the last fills the remaining bytes.
        for (var i = 0; i < values.Length - 1; i++)
        {
            if (values[i] > 255) return null;
        }
        var lastBytes = 4 - (values.Length - 1);
        if (values[^1] >= 1UL << (8 * lastBytes)) return null;
        ulong address = values[^1];
        for (var i = 0; i < values.Length - 1; i++) address |= values[i] << (8 * (3 - i));
        return new IPAddress([(byte)(address >> 24), (byte)(address >> 16), (byte)(address >> 8), (byte)address]);
    }

    private static bool TryParseRadix(string digits, int radix, out ulong value)
    {
        value = 0;
        // "0" alone is octal zero once its leading 0 is taken; "0x" alone is nothing.
        if (digits.Length == 0) return radix == 8;
        foreach (var c in digits)
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? char.ToLowerInvariant(c) - 'a' + 10 : 99;
            if (digit >= radix) return false;
            value = value * (ulong)radix + (ulong)digit;
            if (value > uint.MaxValue) return false;
        }
        return true;
    }
}
