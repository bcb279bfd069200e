using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Ministudio.TestSupport;

/// <summary>One request a fake vendor received, in arrival order, with the status it was answered with.</summary>
public sealed class RecordedRequest(long sequence, string method, string path, string query, Dictionary<string, string> headers, byte[] body, string? contentType)
{
    public long Sequence { get; } = sequence;
    public string Method { get; } = method;
    public string Path { get; } = path;
    public string Query { get; } = query;
    public byte[] Body { get; } = body;
    public string? ContentType { get; } = contentType;
    public int Status { get; internal set; }

    public string? Header(string name) => headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json() => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The body as a JSON tree (null when there is none), for reading fields by name.</summary>
    public JsonNode? Node() => Body.Length == 0 ? null : JsonNode.Parse(Body);

    public string Text() => Encoding.UTF8.GetString(Body);

    public override string ToString() => $"{Method} {Path}{Query} → {Status}";
}

/// <summary>
/// The base of every fake vendor API (video and speech): Kestrel on 127.0.0.1 with a random port, every request
/// recorded (headers and body) before the vendor's own routes answer it, and injected failures (429 with
/// Retry-After, 5xx, 4xx with the vendor's error body) answered before those routes run. Start one with
/// <see cref="StartAsync{T}"/> or use it as an xunit class fixture.
/// </summary>
public abstract class FakeVendorServer : IAsyncLifetime
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<Fault> _faults = [];
    private WebApplication? _app;
    private long _sequence;

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate) return _requests.ToList();
        }
    }

    public static async Task<T> StartAsync<T>() where T : FakeVendorServer, new()
    {
        var fake = new T();
        await fake.InitializeAsync();
        return fake;
    }

    /// <summary>Forgets every recorded request and pending fault (a class fixture shared by several tests).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _requests.Clear();
            _faults.Clear();
        }
    }

    /// <summary>Answers the next <paramref name="times"/> matching requests with <paramref name="status"/> and a body.</summary>
    public void Inject(string method, string pathContains, int status, string body, int times = 1, TimeSpan? retryAfter = null)
    {
        lock (_gate) _faults.Add(new Fault(method, pathContains, status, body, retryAfter) { Remaining = times });
    }

    /// <summary>Waits (bounded by a generous safety net, never asserted on) until a condition over the requests holds.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<RecordedRequest>, bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition(Requests))
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException("The fake vendor never saw the expected requests.");
            await Task.Delay(5);
        }
    }

    /// <summary>An absolute URL on this fake (download links, status URLs the vendor hands out).</summary>
    public string Url(string path) => new Uri(BaseUrl, path).ToString();

    /// <summary>Makes whatever the fake serves (real media) before it starts listening.</summary>
    protected virtual Task PrepareAsync() => Task.CompletedTask;

    protected abstract void MapRoutes(WebApplication app);

    protected static IResult Json(object body, int status = 200) => Results.Json(body, statusCode: status);

    public async ValueTask InitializeAsync()
    {
        await PrepareAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(RecordAsync);
        _app.Use(InjectFaultsAsync);
        MapRoutes(_app);
        await _app.StartAsync();
        BaseUrl = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        context.Request.EnableBuffering();
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        context.Request.Body.Position = 0;
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        RecordedRequest recorded;
        lock (_gate)
        {
            recorded = new RecordedRequest(++_sequence, context.Request.Method, context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "", headers, body.ToArray(), context.Request.ContentType);
            _requests.Add(recorded);
        }
        await next(context);
        recorded.Status = context.Response.StatusCode;
    }

    private async Task InjectFaultsAsync(HttpContext context, RequestDelegate next)
    {
        Fault? fault;
        lock (_gate)
        {
            var target = context.Request.Path.Value + context.Request.QueryString.Value;
            fault = _faults.FirstOrDefault(f => f.Remaining > 0 && f.Method == context.Request.Method && target.Contains(f.PathContains, StringComparison.Ordinal));
            if (fault is not null) fault.Remaining--;
        }
        if (fault is null)
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = fault.Status;
        if (fault.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(fault.Body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        await DisposeCoreAsync();
        GC.SuppressFinalize(this);
    }

    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    private sealed record Fault(string Method, string PathContains, int Status, string Body, TimeSpan? RetryAfter)
    {
        public int Remaining { get; set; }
    }
}
