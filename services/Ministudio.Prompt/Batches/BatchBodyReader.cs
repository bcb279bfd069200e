using System.Security.Cryptography;
using System.Text;
using Ministudio.Platform;

namespace Ministudio.Prompt.Batches;

/// <summary>A batch body that went past <see cref="BatchOptions.MaxBodyBytes"/>.</summary>
public sealed class BatchBodyTooLargeException(long maxBytes) : Exception($"The batch body is larger than {maxBytes} bytes.")
{
    public long MaxBytes { get; } = maxBytes;
}

/// <summary>
/// Reads a JSONL body one line at a time, never holding the whole body, and hashes the bytes as they pass so an
/// Idempotency-Key can be checked without buffering.
/// </summary>
public sealed class BatchBodyReader : IDisposable
{
    private readonly CappedHashingStream _body;
    private readonly StreamReader _reader;

    public BatchBodyReader(Stream body, long maxBytes)
    {
        _body = new CappedHashingStream(body, maxBytes);
        _reader = new StreamReader(_body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), detectEncodingFromByteOrderMarks: false);
    }

    /// <summary>The 1-based number of the line last returned.</summary>
    public int LineNumber { get; private set; }

    /// <summary>The next non-blank line, or null at the end of the body.</summary>
    public async Task<string?> NextLineAsync(CancellationToken ct)
    {
        while (await _reader.ReadLineAsync(ct) is { } line)
        {
            LineNumber++;
            if (!string.IsNullOrWhiteSpace(line)) return line;
        }
        return null;
    }

    /// <summary>SHA-256 of the body (read to its end) followed by <paramref name="options"/>, which change the request's meaning.</summary>
    public byte[] Hash(string options)
    {
        _body.Hash.AppendData(Encoding.UTF8.GetBytes("\n" + options));
        return _body.Hash.GetHashAndReset();
    }

    public void Dispose()
    {
        _reader.Dispose();
        _body.Hash.Dispose();
    }

    private sealed class CappedHashingStream(Stream inner, long maxBytes) : ObservedReadStream(inner)
    {
        public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        protected override void OnRead(ReadOnlySpan<byte> bytes)
        {
            if (BytesRead > maxBytes) throw new BatchBodyTooLargeException(maxBytes);
            Hash.AppendData(bytes);
        }
    }
}
