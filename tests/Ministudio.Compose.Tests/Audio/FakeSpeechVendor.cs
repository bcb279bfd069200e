using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>A failure the fake answers its next request with, in its vendor's format.</summary>
public enum VendorFailure { None, RateLimited, ServerError, Rejected, QuotaExhausted }

/// <summary>One request the fake received: what the adapter actually sent.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, JsonNode? Body);

/// <summary>
/// A vendor's speech API on Kestrel at 127.0.0.1 on a free port. It checks the path, the auth header and the body's
/// shape the way the vendor does, answers real audio made by ffmpeg, and on request fails the next call with the
/// vendor's own error status, headers and body.
/// </summary>
public abstract class FakeSpeechVendor : IAsyncLifetime
{
    public const double AudioSeconds = 1.5;
    public const int RetryAfterSeconds = 7;

    private WebApplication? _app;
    private string? _audioFolder;

    public Uri BaseUrl { get; private set; } = null!;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers the next request with this failure, then goes back to normal.</summary>
    public VendorFailure Next { get; set; }

    /// <summary>A real audio file: ffmpeg's 440 Hz tone, in the format the vendor returns.</summary>
    protected byte[] Audio { get; private set; } = [];

    protected abstract string AudioFileName { get; }

    protected abstract string[] AudioEncoding { get; }

    public async ValueTask InitializeAsync()
    {
        _audioFolder = Directory.CreateTempSubdirectory("ministudio-fake-vendor").FullName;
        var audio = await AudioProbe.RunToFileAsync(Path.Combine(_audioFolder, AudioFileName),
            ["-f", "lavfi", "-i", $"sine=f=440:d={AudioSeconds}", .. AudioEncoding]);
        Audio = await File.ReadAllBytesAsync(audio);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.Run(async context =>
        {
            var body = context.Request.ContentLength > 0 || context.Request.Headers.ContentType.Count > 0
                ? await JsonNode.ParseAsync(context.Request.Body) : null;
            Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? "", context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            var failure = Next;
            Next = VendorFailure.None;
            await HandleAsync(context, body, failure);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = new Uri(address + "/");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        if (_audioFolder is not null) Directory.Delete(_audioFolder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Checks one request and answers it (or fails it as told).</summary>
    protected abstract Task HandleAsync(HttpContext context, JsonNode? body, VendorFailure failure);

    protected static Task JsonAsync(HttpContext context, int status, object body, int? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } seconds) context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    protected static string? Text(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    protected static double? Number(JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
