using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Platform.Trust;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests;

/// <summary>One of dispatch's HTTP APIs on a loopback port behind service trust, called as the gateway calls it.</summary>
public sealed class DispatchApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DispatchApiHost(WebApplication app)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
    }

    /// <summary>Unsigned: a call through it is refused unless the test signs it (<see cref="SendAsync"/> does).</summary>
    public HttpClient Client { get; }

    public static async Task<DispatchApiHost> StartAsync(Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration[TrustedCalls.Setting] = TrustedCalls.SigningKey;
        builder.AddServiceTrust(ResourceNames.Dispatch);
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new DispatchApiHost(app);
    }

    /// <summary>Sends the request signed for <paramref name="tenant"/> (none: a call without a tenant).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Guid? tenant)
    {
        TrustedCalls.Sign(request, tenant);
        return Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }
}
