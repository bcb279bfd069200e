using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ministudio.Prompt.Networking;

/// <summary>
/// The only client that should fetch tenant-supplied URLs: guarded connections, no proxy, no service discovery (a tenant
/// URL naming "render" must not reach render), no automatic retries, and redirects followed by hand with every hop checked.
/// </summary>
public sealed class GuardedHttpClient(SsrfGuard guard) : IDisposable
{
    private readonly HttpClient _client = new(guard.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public SsrfGuard Guard => guard;

    /// <summary>
    /// Sends a request built by <paramref name="createRequest"/> for each hop. GET follows every redirect; other methods
    /// follow only 307/308, which keep method and body. Returns the final response or the refusal that stopped it.
    /// </summary>
    public async Task<(HttpResponseMessage? Response, SsrfRefusal? Refusal)> SendAsync(
        string url, Func<Uri, HttpRequestMessage> createRequest, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var target = url;
        for (var hop = 0; ; hop++)
        {
            if (guard.CheckUrl(target, out var uri) is { } refusal) return (null, refusal);
            using var request = createRequest(uri!);
            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            }
            catch (HttpRequestException ex) when (FindBlocked(ex) is { } blocked)
            {
                return (null, blocked.Refusal);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"No answer from {uri!.GetLeftPart(UriPartial.Authority)} within {timeout.TotalSeconds:0.#} s.");
            }

            var status = (int)response.StatusCode;
            var follows = status is 307 or 308 || request.Method == HttpMethod.Get && status is 301 or 302 or 303;
            if (!follows || response.Headers.Location is not { } location) return (response, null);
            response.Dispose();
            if (hop + 1 > guard.Options.MaxRedirects)
                return (null, new SsrfRefusal("url.too_many_redirects", $"More than {guard.Options.MaxRedirects} redirects."));
            target = new Uri(uri!, location).ToString();
        }
    }

    private static SsrfBlockedException? FindBlocked(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is SsrfBlockedException blocked) return blocked;
        }
        return null;
    }

    public void Dispose() => _client.Dispose();
}

public static class SsrfGuardExtensions
{
    /// <summary>The SSRF guard with settings from Networking:Ssrf and the guarded client for tenant-supplied URLs.</summary>
    public static IHostApplicationBuilder AddSsrfGuard(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SsrfGuardOptions>().BindConfiguration(SsrfGuardOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<SsrfGuardOptions>>().Value);
        builder.Services.TryAddSingleton<IHostResolver, DnsHostResolver>();
        builder.Services.AddSingleton<SsrfGuard>();
        builder.Services.AddSingleton<GuardedHttpClient>();
        return builder;
    }
}
