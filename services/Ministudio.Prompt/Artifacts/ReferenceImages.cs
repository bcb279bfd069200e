using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Artifacts;

/// <summary>An uploaded reference image as the API shows it.</summary>
public sealed record ReferenceImage(string Sha256, string ContentType, long Bytes);

/// <summary>
/// Portraits and reference images: type-checked by their bytes (not only the declared type), size-capped, stored once
/// by SHA-256 and owned per tenant, so one tenant can never reference another's upload.
/// </summary>
public sealed class ReferenceImages(ArtifactStore artifacts, NpgsqlDataSource dataSource)
{
    public const long MaxBytes = 10 * 1024 * 1024;

    private static readonly (string ContentType, byte[] Magic)[] Signatures =
    [
        ("image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        ("image/jpeg", [0xFF, 0xD8, 0xFF]),
        ("image/webp", "RIFF"u8.ToArray()),
    ];

    public static IEnumerable<string> ContentTypes => Signatures.Select(s => s.ContentType);

    /// <summary>Stores an upload; null when its bytes are not the image type it claims to be.</summary>
    public async Task<ReferenceImage?> AddAsync(Guid tenant, string contentType, string file, CancellationToken ct)
    {
        if (!await LooksLikeAsync(file, contentType, ct)) return null;
        var bytes = new FileInfo(file).Length;
        var hash = await artifacts.AddFileAsync(file, ct);
        await using var command = dataSource.CreateCommand(
            "INSERT INTO tenant_artifacts (tenant_id, sha256, content_type, bytes) VALUES (@tenant, @sha, @type, @bytes) ON CONFLICT DO NOTHING");
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("sha", hash);
        command.Parameters.AddWithValue("type", contentType);
        command.Parameters.AddWithValue("bytes", bytes);
        await command.ExecuteNonQueryAsync(ct);
        return new ReferenceImage(hash, contentType, bytes);
    }

    public async Task<ReferenceImage?> FindAsync(Guid tenant, string sha256, CancellationToken ct)
    {
        ReferenceImage image;
        // The row is read and its connection back in the pool before the store is asked (it may be slow or down).
        await using (var command = dataSource.CreateCommand("SELECT content_type, bytes FROM tenant_artifacts WHERE tenant_id = @tenant AND sha256 = @sha"))
        {
            command.Parameters.AddWithValue("tenant", tenant);
            command.Parameters.AddWithValue("sha", sha256);
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            image = new ReferenceImage(sha256, reader.GetString(0), reader.GetInt64(1));
        }
        return await artifacts.ContainsAsync(sha256, ct) ? image : null;
    }

    private static async Task<bool> LooksLikeAsync(string file, string contentType, CancellationToken ct)
    {
        var signature = Signatures.FirstOrDefault(s => s.ContentType == contentType);
        if (signature.Magic is null) return false;
        var head = new byte[12];
        await using var stream = File.OpenRead(file);
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (read < signature.Magic.Length || !head.AsSpan(0, signature.Magic.Length).SequenceEqual(signature.Magic)) return false;
        // RIFF is a container: WebP says so in bytes 8-11.
        return contentType != "image/webp" || read == 12 && head.AsSpan(8, 4).SequenceEqual("WEBP"u8);
    }
}
