using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ministudio.Platform;

/// <summary>
/// A seekable, read-only view of one S3 object: each read continues one ranged GET from the current position, and a
/// seek drops it, so a range request to the API reads only its range and nothing is buffered whole.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 s3, string bucket, string key, long length) : Stream
{
    private long _position;
    private GetObjectResponse? _response;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };
        if (target < 0) throw new IOException("Cannot seek before the start of the object.");
        if (target != _position) CloseResponse();
        _position = target;
        return _position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= length || buffer.Length == 0) return 0;
        try
        {
            _response ??= await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket, Key = key, ByteRange = new ByteRange(_position, length - 1),
            }, cancellationToken);
            var read = await _response.ResponseStream.ReadAsync(buffer, cancellationToken);
            if (read == 0) throw new IOException($"The artifact store ended {key} at byte {_position} of {length}.");
            _position += read;
            return read;
        }
        catch (Exception ex) when (ex is AmazonServiceException or HttpRequestException)
        {
            throw new ArtifactStoreUnavailableException($"The artifact store could not read {key}.", ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // Synchronous reads are for callers without an async path (zip entries copy asynchronously; so does ASP.NET).
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void CloseResponse()
    {
        _response?.Dispose();
        _response = null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) CloseResponse();
        base.Dispose(disposing);
    }
}
