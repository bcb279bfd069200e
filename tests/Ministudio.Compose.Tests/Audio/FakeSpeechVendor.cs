using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests.Audio;

/// <summary>A failure the fake answers its next request with, in its vendor's format.</summary>
public enum VendorFailure { None, RateLimited, ServerError, Rejected, QuotaExhausted }

/// <summary>
/// A vendor's speech API on the shared fake vendor server (Kestrel at 127.0.0.1 on a free port, every request
/// recorded). It checks the path, the auth header and the body's shape the way the vendor does, answers real audio
/// made by ffmpeg, and on request fails the next call with the vendor's own error status, headers and body.
/// </summary>
public abstract class FakeSpeechVendor : FakeVendorServer
{
    public const double AudioSeconds = 1.5;
    public const int RetryAfterSeconds = 7;

    /// <summary>Answers the next request with this failure, then goes back to normal.</summary>
    public VendorFailure Next { get; set; }

    /// <summary>A real audio file: ffmpeg's 440 Hz tone, in the format the vendor returns.</summary>
    protected byte[] Audio { get; private set; } = [];

    protected abstract string AudioFileName { get; }

    protected abstract string[] AudioEncoding { get; }

    protected override async Task PrepareAsync() =>
        Audio = await TestMedia.RenderAsync(AudioFileName, ["-f", "lavfi", "-i", $"sine=f=440:d={AudioSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", .. AudioEncoding]);

    protected override void MapRoutes(WebApplication app) => app.Run(async context =>
    {
        var body = context.Request.ContentLength > 0 || context.Request.Headers.ContentType.Count > 0
            ? await JsonNode.ParseAsync(context.Request.Body) : null;
        var failure = Next;
        Next = VendorFailure.None;
        await HandleAsync(context, body, failure);
    });

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
