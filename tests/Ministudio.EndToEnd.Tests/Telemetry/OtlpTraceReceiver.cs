using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Ministudio.EndToEnd.Tests.Telemetry.Otlp;

namespace Ministudio.EndToEnd.Tests.Telemetry;

/// <summary>One span as a service exported it: which service (and replica) made it, in which trace.</summary>
public sealed record ReceivedSpan(
    string Service, string Instance, string TraceId, string SpanId, string ParentSpanId, string Name, IReadOnlyDictionary<string, object> Attributes);

/// <summary>
/// An OTLP/HTTP trace endpoint inside the test process: the platform's services export to it exactly as they export
/// to the Aspire dashboard, and tests read what arrived.
/// </summary>
public sealed class OtlpTraceReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly WebApplication _app;

    private OtlpTraceReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => _spans.ToArray();

    public static async Task<OtlpTraceReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpTraceReceiver(app);
        app.MapPost("/v1/traces", receiver.ExportAsync);
        // Metrics and logs arrive too; they are accepted and not kept.
        app.MapPost("/v1/metrics", () => Results.Ok());
        app.MapPost("/v1/logs", () => Results.Ok());
        await app.StartAsync();
        var address = app.Urls.First();
        receiver.Endpoint = new Uri(address);
        return receiver;
    }

    private async Task<IResult> ExportAsync(HttpRequest request)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var export = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        foreach (var resourceSpans in export.ResourceSpans)
        {
            var resource = Attributes(resourceSpans.Resource?.Attributes ?? []);
            var service = resource.GetValueOrDefault("service.name") as string ?? "";
            var instance = resource.GetValueOrDefault("service.instance.id") as string ?? "";
            foreach (var span in resourceSpans.ScopeSpans.SelectMany(scope => scope.Spans))
            {
                _spans.Enqueue(new ReceivedSpan(service, instance, Hex(span.TraceId), Hex(span.SpanId), Hex(span.ParentSpanId), span.Name,
                    Attributes(span.Attributes)));
            }
        }
        return Results.Bytes(new ExportTraceServiceResponse().ToByteArray(), "application/x-protobuf");
    }

    private static Dictionary<string, object> Attributes(IEnumerable<KeyValue> attributes) =>
        attributes.Where(attribute => attribute.Value is not null).ToDictionary(attribute => attribute.Key, attribute => attribute.Value.ValueCase switch
        {
            AnyValue.ValueOneofCase.StringValue => (object)attribute.Value.StringValue,
            AnyValue.ValueOneofCase.BoolValue => attribute.Value.BoolValue,
            AnyValue.ValueOneofCase.IntValue => attribute.Value.IntValue,
            AnyValue.ValueOneofCase.DoubleValue => attribute.Value.DoubleValue,
            _ => "",
        });

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
