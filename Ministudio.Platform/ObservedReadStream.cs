namespace Ministudio.Platform;

/// <summary>
/// A forward-only read of another stream that sees every chunk as it passes, to cap, count or hash a request body
/// while it streams (nothing is buffered).
/// </summary>
public abstract class ObservedReadStream(Stream inner) : Stream
{
    /// <summary>The bytes read so far.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Called after every read with the bytes it returned (<see cref="BytesRead"/> already counts them); may throw to stop the read.</summary>
    protected abstract void OnRead(ReadOnlySpan<byte> bytes);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override int Read(byte[] buffer, int offset, int count) => Observe(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = await inner.ReadAsync(buffer, cancellationToken);
        return Observe(buffer.Span[..count]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Observe(ReadOnlySpan<byte> bytes)
    {
        BytesRead += bytes.Length;
        OnRead(bytes);
        return bytes.Length;
    }
}
