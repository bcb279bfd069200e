using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ministudio.Dispatch.Tests.Vendors;

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

    public string Text() => Encoding.UTF8.GetString(Body);

    public override string ToString() => $"{Method} {Path}{Query} → {Status}";
}

/// <summary>A vendor task's state in the fake's script, mapped by each fake to its vendor's own wire status.</summary>
public abstract record FakeState
{
    public sealed record Queued : FakeState;

    public sealed record Running(double Progress) : FakeState;

    public sealed record Succeeded : FakeState;

    public sealed record Failed(FakeFailure Kind) : FakeState;
}

public enum FakeFailure
{
    /// <summary>The vendor's content filters refused the prompt or the output.</summary>
    Safety,

    /// <summary>Something broke inside the vendor.</summary>
    Internal,
}

/// <summary>
/// The base of every faithful vendor fake: Kestrel on 127.0.0.1 with a random port, every request recorded (headers
/// and body), scripted task states (each poll of a task advances one step; the last step repeats), injected
/// failures (429 with Retry-After, 5xx, 400 with the vendor's error body) answered before the vendor routes run,
/// and download links that die as soon as the task is polled again, so an adapter must fetch a finished video at once.
/// </summary>
public abstract class FakeVendorServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<Fault> _faults = [];
    private readonly Dictionary<string, int> _polls = [];
    private readonly Dictionary<string, string> _downloadTokens = [];
    private WebApplication? _app;
    private long _sequence;

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The states each task goes through, one per poll.</summary>
    public IReadOnlyList<FakeState> Script { get; set; } = [new FakeState.Queued(), new FakeState.Running(0.4), new FakeState.Running(0.8), new FakeState.Succeeded()];

    /// <summary>The MP4 every finished task delivers.</summary>
    public byte[] Video { get; private set; } = [];

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
        await fake.StartCoreAsync();
        return fake;
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

    protected abstract void MapRoutes(WebApplication app);

    /// <summary>This poll's state of a task: each call moves it one step along the script.</summary>
    protected FakeState Advance(string taskId)
    {
        lock (_gate)
        {
            var step = _polls.GetValueOrDefault(taskId);
            _polls[taskId] = step + 1;
            return Script[Math.Min(step, Script.Count - 1)];
        }
    }

    /// <summary>A fresh signed-looking link to the task's video; any earlier link to it stops working.</summary>
    protected string DownloadUrl(string taskId)
    {
        var token = Guid.NewGuid().ToString("N");
        lock (_gate) _downloadTokens[taskId] = token;
        return new Uri(BaseUrl, $"_files/{taskId}/{token}.mp4").ToString();
    }

    /// <summary>Invalidates a task's current link (a poll after completion mints a new one).</summary>
    protected void ExpireDownload(string taskId)
    {
        lock (_gate) _downloadTokens.Remove(taskId);
    }

    protected static IResult Json(object body, int status = 200) => Results.Json(body, statusCode: status);

    private async Task StartCoreAsync()
    {
        Video = await TestMedia.ClipAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Use(RecordAsync);
        _app.Use(InjectFaultsAsync);
        _app.MapGet("/_files/{task}/{file}", (string task, string file) =>
        {
            lock (_gate)
            {
                return _downloadTokens.TryGetValue(task, out var token) && file == $"{token}.mp4"
                    ? Results.Bytes(Video, "video/mp4")
                    : Results.Text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "application/xml", statusCode: 403);
            }
        });
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
        if (fault.RetryAfter is { } wait) context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(fault.Body);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed record Fault(string Method, string PathContains, int Status, string Body, TimeSpan? RetryAfter)
    {
        public int Remaining { get; set; }
    }
}

/// <summary>Real media for fakes and inputs, made once per test run with ffmpeg.</summary>
public static class TestMedia
{
    private static readonly Lazy<Task<byte[]>> Clip = new(() => RenderAsync("clip.mp4",
        ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=24", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"]));

    private static readonly Lazy<Task<byte[]>> Image = new(() => RenderAsync("reference.png",
        ["-f", "lavfi", "-i", "testsrc=size=200x200", "-frames:v", "1"]));

    /// <summary>A 1 s 320x180 H.264 MP4.</summary>
    public static Task<byte[]> ClipAsync() => Clip.Value;

    /// <summary>A 200x200 PNG.</summary>
    public static Task<byte[]> ImageAsync() => Image.Value;

    private static async Task<byte[]> RenderAsync(string name, string[] arguments)
    {
        var folder = Directory.CreateTempSubdirectory("ministudio-test-media").FullName;
        try
        {
            var output = Path.Combine(folder, name);
            var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in new[] { "-v", "error", "-y" }.Concat(arguments).Append(output)) start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var errors = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {await errors}");
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
