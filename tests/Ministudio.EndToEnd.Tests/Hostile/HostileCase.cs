using System.Net.Http.Headers;
using System.Text;

namespace Ministudio.EndToEnd.Tests.Hostile;

/// <summary>Who sends a hostile request: a tenant through the gateway, the operator, or someone reaching a service directly.</summary>
public enum Sender { Tenant, OtherTenant, Admin, Anonymous, DirectPrompt, DirectDispatch, DirectCompose, DirectRender, DirectMcp }

/// <summary>
/// One request of the hostile-input corpus. <paramref name="Status"/> and <paramref name="Code"/>, when given, are what
/// the platform must answer; every case must in any event answer below 500, as problem+json when 4xx, without internals.
/// </summary>
public sealed record HostileCase(string Name, Sender Sender, HttpMethod Method, string Path, Func<HttpContent?>? Body = null,
    int? Status = null, string? Code = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public override string ToString() => Name;

    public HttpRequestMessage Build(IReadOnlyDictionary<string, string> ids)
    {
        var path = ids.Aggregate(Path, (current, id) => current.Replace($"{{{id.Key}}}", id.Value, StringComparison.Ordinal));
        var request = new HttpRequestMessage(Method, path) { Content = Body?.Invoke() };
        foreach (var (name, value) in Headers ?? new Dictionary<string, string>()) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static HttpContent Json(string text) => Raw(Encoding.UTF8.GetBytes(text), "application/json");

    public static HttpContent Raw(byte[] bytes, string mediaType)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    /// <summary>A body sent chunked, with no Content-Length, so no limit can refuse it up front.</summary>
    public static HttpContent Chunked(int bytes, string mediaType)
    {
        var content = new StreamContent(new UnseekableStream(new MemoryStream(Encoding.ASCII.GetBytes("{\"title\":\"" + new string('a', bytes) + "\"}"))));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private sealed class UnseekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
