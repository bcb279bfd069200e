using System.Collections.Concurrent;
using System.Net;

namespace Ministudio.Clients.Tests;

/// <summary>Watches the real HTTP traffic of a client (it changes nothing): what was asked, with which headers, and the answer.</summary>
public sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public sealed record Exchange(HttpMethod Method, string Path, string? IdempotencyKey, string? Range, HttpStatusCode Status, TimeSpan? RetryAfter, DateTimeOffset At);

    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Exchanges.Enqueue(new Exchange(request.Method, request.RequestUri!.AbsolutePath,
            request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
            request.Headers.Range?.ToString(), response.StatusCode, response.Headers.RetryAfter?.Delta, DateTimeOffset.UtcNow));
        return response;
    }
}
