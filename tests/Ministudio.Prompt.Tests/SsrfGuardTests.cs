using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Ministudio.Prompt.Networking;

namespace Ministudio.Prompt.Tests;

/// <summary>Names resolve to whatever the test says, never through DNS.</summary>
public sealed class FakeResolver(Dictionary<string, string[]> names) : IHostResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) =>
        Task.FromResult(names.TryGetValue(host, out var addresses) ? addresses.Select(IPAddress.Parse).ToArray() : []);
}

/// <summary>The SSRF guard against a corpus of hostile URLs; no test touches the real network or DNS.</summary>
public sealed class SsrfGuardTests
{
    private static readonly FakeResolver Names = new(new()
    {
        ["public.example"] = ["93.184.216.34"],
        ["v6.public.example"] = ["2606:2800:220:1:248:1893:25c8:1946"],
        ["internal.example"] = ["10.1.2.3"],
        ["rebind.example"] = ["93.184.216.34", "192.168.1.10"],
        ["metadata.example"] = ["169.254.169.254"],
        ["loopback.example"] = ["127.0.0.1"],
        ["ula.example"] = ["fd12:3456::1"],
        ["cgnat.example"] = ["100.64.0.7"],
        ["mapped.example"] = ["::ffff:10.0.0.1"],
        ["localhost"] = ["127.0.0.1", "::1"],
    });

    private static SsrfGuard Guard(bool allowLoopback = false) => new(new SsrfGuardOptions { AllowLoopback = allowLoopback }, Names);

    public static TheoryData<string, string> HostileUrls => new()
    {
        { "http://127.0.0.1/", SsrfGuard.CodeBlocked },
        { "http://127.1/", SsrfGuard.CodeBlocked },
        { "http://2130706433/", SsrfGuard.CodeBlocked },
        { "http://0x7f000001/", SsrfGuard.CodeBlocked },
        { "http://0x7f.0.0.1/", SsrfGuard.CodeBlocked },
        { "http://0177.0.0.1/", SsrfGuard.CodeBlocked },
        { "http://017700000001/", SsrfGuard.CodeBlocked },
        { "http://0/", SsrfGuard.CodeBlocked },
        { "http://0.0.0.0/", SsrfGuard.CodeBlocked },
        { "http://10.0.0.1/", SsrfGuard.CodeBlocked },
        { "http://172.16.5.4/", SsrfGuard.CodeBlocked },
        { "http://172.31.255.255/", SsrfGuard.CodeBlocked },
        { "http://192.168.0.1/", SsrfGuard.CodeBlocked },
        { "http://0xc0a80001/", SsrfGuard.CodeBlocked },
        { "http://3232235521/", SsrfGuard.CodeBlocked },
        { "http://100.64.0.1/", SsrfGuard.CodeBlocked },
        { "http://169.254.169.254/latest/meta-data/", SsrfGuard.CodeBlocked },
        { "http://0xa9fea9fe/", SsrfGuard.CodeBlocked },
        { "http://0251.0376.0251.0376/", SsrfGuard.CodeBlocked },
        { "http://224.0.0.1/", SsrfGuard.CodeBlocked },
        { "http://255.255.255.255/", SsrfGuard.CodeBlocked },
        { "http://192.0.2.1/", SsrfGuard.CodeBlocked },
        { "http://198.18.0.1/", SsrfGuard.CodeBlocked },
        { "http://[::1]/", SsrfGuard.CodeBlocked },
        { "http://[::]/", SsrfGuard.CodeBlocked },
        { "http://[::ffff:127.0.0.1]/", SsrfGuard.CodeBlocked },
        { "http://[::ffff:a9fe:a9fe]/", SsrfGuard.CodeBlocked },
        { "http://[fd00::1]/", SsrfGuard.CodeBlocked },
        { "http://[fc00::1]/", SsrfGuard.CodeBlocked },
        { "http://[fe80::1]/", SsrfGuard.CodeBlocked },
        { "http://[ff02::1]/", SsrfGuard.CodeBlocked },
        { "http://[2001:db8::1]/", SsrfGuard.CodeBlocked },
        { "http://[64:ff9b::a00:1]/", SsrfGuard.CodeBlocked },
        { "http://internal.example/", SsrfGuard.CodeBlocked },
        { "http://rebind.example/", SsrfGuard.CodeBlocked },
        { "http://metadata.example/", SsrfGuard.CodeBlocked },
        { "http://loopback.example/", SsrfGuard.CodeBlocked },
        { "http://ula.example/", SsrfGuard.CodeBlocked },
        { "http://cgnat.example/", SsrfGuard.CodeBlocked },
        { "http://mapped.example/", SsrfGuard.CodeBlocked },
        { "http://localhost/", SsrfGuard.CodeBlocked },
        { "http://nowhere.example/", SsrfGuard.CodeUnresolvable },
        { "http://256.1.1.1/", SsrfGuard.CodeInvalid },
        { "http://0x1ffffffff/", SsrfGuard.CodeInvalid },
        { "ftp://public.example/", SsrfGuard.CodeScheme },
        { "file:///etc/passwd", SsrfGuard.CodeScheme },
        { "gopher://public.example:70/", SsrfGuard.CodeScheme },
        { "http://user:pass@public.example/", SsrfGuard.CodeUserInfo },
        { "http://public.example@127.0.0.1/", SsrfGuard.CodeUserInfo },
        { "http://public.example:22/", SsrfGuard.CodePort },
        { "http://public.example:6379/", SsrfGuard.CodePort },
        // On Unix a rooted path parses as a file: URI, so it is the scheme that refuses it.
        { "/relative/path", SsrfGuard.CodeScheme },
        { "", SsrfGuard.CodeInvalid },
    };

    [Theory]
    [MemberData(nameof(HostileUrls))]
    public async Task Hostile_urls_are_refused_with_a_stable_code(string url, string code)
    {
        var refusal = await Guard().CheckAsync(url, TestContext.Current.CancellationToken);
        Assert.NotNull(refusal);
        Assert.Equal(code, refusal.Code);
    }

    [Theory]
    [InlineData("https://public.example/hooks")]
    [InlineData("http://public.example:8080/hooks?x=1")]
    [InlineData("https://v6.public.example/")]
    [InlineData("https://93.184.216.34/")]
    [InlineData("https://[2606:2800:220:1:248:1893:25c8:1946]/")]
    public async Task Public_urls_are_allowed(string url) =>
        Assert.Null(await Guard().CheckAsync(url, TestContext.Current.CancellationToken));

    [Fact]
    public async Task The_loopback_flag_opens_loopback_only()
    {
        var guard = Guard(allowLoopback: true);
        Assert.Null(await guard.CheckAsync("http://127.0.0.1:5123/", TestContext.Current.CancellationToken));
        Assert.Null(await guard.CheckAsync("http://localhost:5123/", TestContext.Current.CancellationToken));
        Assert.Equal(SsrfGuard.CodeBlocked, (await guard.CheckAsync("http://10.0.0.1/", TestContext.Current.CancellationToken))?.Code);
        Assert.Equal(SsrfGuard.CodeBlocked, (await guard.CheckAsync("http://169.254.169.254/", TestContext.Current.CancellationToken))?.Code);
        Assert.Equal(SsrfGuard.CodePort, (await guard.CheckAsync("http://public.example:5123/", TestContext.Current.CancellationToken))?.Code);
    }

    [Fact]
    public void The_loopback_flag_is_off_unless_configured() => Assert.False(new SsrfGuardOptions().AllowLoopback);

    [Theory]
    [InlineData("http://10.0.0.1/secret")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://internal.example/")]
    [InlineData("http://[::ffff:192.168.0.1]/")]
    [InlineData("ftp://public.example/")]
    public async Task Redirects_from_an_allowed_server_to_a_forbidden_address_are_refused_at_the_hop(string target)
    {
        await using var server = await StartServerAsync(app => app.MapGet("/go", () => Results.Redirect(target)));
        using var client = new GuardedHttpClient(Guard(allowLoopback: true));
        var (response, refusal) = await client.SendAsync($"{server.Urls.Single()}/go", uri => new HttpRequestMessage(HttpMethod.Get, uri),
            TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Null(response);
        Assert.NotNull(refusal);
    }

    [Fact]
    public async Task Redirect_chains_longer_than_the_limit_are_refused()
    {
        await using var server = await StartServerAsync(app => app.MapGet("/hop/{n:int}", (int n) => Results.Redirect($"/hop/{n + 1}")));
        using var client = new GuardedHttpClient(Guard(allowLoopback: true));
        var (response, refusal) = await client.SendAsync($"{server.Urls.Single()}/hop/0", uri => new HttpRequestMessage(HttpMethod.Get, uri),
            TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Null(response);
        Assert.Equal("url.too_many_redirects", refusal?.Code);
    }

    [Fact]
    public async Task Allowed_redirects_are_followed_to_the_final_answer()
    {
        await using var server = await StartServerAsync(app =>
        {
            app.MapGet("/start", () => Results.Redirect("/end"));
            app.MapGet("/end", () => "arrived");
        });
        using var client = new GuardedHttpClient(Guard(allowLoopback: true));
        var (response, refusal) = await client.SendAsync($"{server.Urls.Single()}/start", uri => new HttpRequestMessage(HttpMethod.Get, uri),
            TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Null(refusal);
        using (response)
        {
            Assert.Equal("arrived", await response!.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task Without_the_loopback_flag_the_connection_itself_is_refused()
    {
        await using var server = await StartServerAsync(app => app.MapGet("/", () => "should not be reached"));
        // The URL check is skipped on purpose: the connect callback must refuse on its own (DNS rebinding after a check).
        using var client = new HttpClient(Guard().CreateHandler());
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(server.Urls.Single(), TestContext.Current.CancellationToken));
        Assert.IsType<SsrfBlockedException>(error.InnerException);
    }

    private static async Task<WebApplication> StartServerAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
