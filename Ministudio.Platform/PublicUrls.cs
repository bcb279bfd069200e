using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;

namespace Ministudio.Platform;

/// <summary>Where the platform is reachable from outside: the gateway's public address (https://studio.example.com).</summary>
public sealed class PublicUrlOptions
{
    public const string Section = "Public";
    public const string BaseUrlKey = "Public:BaseUrl";

    /// <summary>
    /// Unset, answers to a request build their URLs from the gateway's forwarded headers (X-Forwarded-Proto, -Host,
    /// -Prefix), and what leaves without a request (webhooks, signed artifact URLs for vendors) stays a path or fails.
    /// </summary>
    public string? BaseUrl { get; set; }

    public bool IsValid => BaseUrl is not { Length: > 0 }
        || Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Query.Length == 0;
}

/// <summary>
/// Every URL the API hands out (Location, video and deliverable URLs, batch results, webhooks, signed artifact URLs)
/// starts at the public address, never at a service's internal one: <c>Public:BaseUrl</c> when configured, else, while
/// answering a request the gateway forwarded, the address the client used; else the bare path.
/// </summary>
public sealed class PublicUrls(IOptions<PublicUrlOptions> options, IHttpContextAccessor requests)
{
    /// <summary>The configured public address, without a trailing slash; null when unset.</summary>
    public string? ConfiguredBase => options.Value.BaseUrl is { Length: > 0 } url ? url.TrimEnd('/') : null;

    /// <summary><paramref name="path"/> (starting with '/') as the client should call it.</summary>
    public string Of(string path) => (ConfiguredBase ?? ForwardedBase(requests.HttpContext) ?? "") + path;

    /// <summary>
    /// The address the client used, from the headers the gateway's forwarder sets (it replaces whatever a client sent).
    /// Only on requests that carry the gateway's verified assertion: nobody else's headers are believed.
    /// </summary>
    private static string? ForwardedBase(HttpContext? context)
    {
        if (context?.Features.Get<ServiceAssertion>() is not { Service: ResourceNames.Gateway }) return null;
        var headers = context.Request.Headers;
        var host = headers["X-Forwarded-Host"].ToString();
        var scheme = headers["X-Forwarded-Proto"].ToString();
        if (host.Length == 0 || scheme is not ("http" or "https")) return null;
        // The host is the client's own Host header: anything but a plain host[:port] is not echoed into URLs.
        if (!Uri.TryCreate($"{scheme}://{host}", UriKind.Absolute, out var origin) || origin.PathAndQuery != "/" || origin.UserInfo.Length > 0 || origin.Fragment.Length > 0)
            return null;
        var prefix = headers["X-Forwarded-Prefix"].ToString().TrimEnd('/');
        if (prefix.Length > 0 && (!prefix.StartsWith('/') || prefix.Any(c => c is '?' or '#' or '\\' || char.IsControl(c) || char.IsWhiteSpace(c)))) prefix = "";
        return $"{scheme}://{origin.Authority}{prefix}";
    }
}

public static class PublicUrlExtensions
{
    public static IHostApplicationBuilder AddPublicUrls(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(service => service.ServiceType == typeof(PublicUrls))) return builder;
        builder.Services.AddOptions<PublicUrlOptions>().BindConfiguration(PublicUrlOptions.Section)
            .Validate(o => o.IsValid, $"{PublicUrlOptions.BaseUrlKey} must be an absolute http(s) URL without a query.").ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddTransient<IStartupFilter, PublicLocationStartup>();
        return builder;
    }

    /// <summary>
    /// Handlers answer <c>Location</c> with a path (<c>/v1/jobs/{id}</c>); on its way out it gets the public address in
    /// front, so that no handler can forget to and none hands out prompt's own address.
    /// </summary>
    private sealed class PublicLocationStartup : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            var urls = app.ApplicationServices.GetRequiredService<PublicUrls>();
            app.Use((context, following) =>
            {
                context.Response.OnStarting(() =>
                {
                    var location = context.Response.Headers.Location.ToString();
                    if (location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal)) context.Response.Headers.Location = urls.Of(location);
                    return Task.CompletedTask;
                });
                return following(context);
            });
            next(app);
        };
    }
}
