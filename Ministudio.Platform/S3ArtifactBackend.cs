using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ministudio.Platform;

/// <summary>
/// Objects in an S3-compatible bucket (path-style), under the same names as on disk: <c>sha256/ab/abcd…</c> and
/// <c>recipes/…</c>. A write is one PUT checked against its MD5 (S3 shows an object only once it is whole), and a read
/// is checked against its SHA-256 name: no partial or damaged object is ever handed out. Tools read local copies, kept
/// in <see cref="CacheFolder"/>.
/// </summary>
internal sealed class S3ArtifactBackend : ArtifactBackend
{
    private readonly AmazonS3Client _s3;
    private readonly string _bucket;
    private readonly string _cache;
    private readonly string _scratch;

    public S3ArtifactBackend(S3ArtifactOptions options, string root, string scratch)
    {
        _bucket = options.Bucket;
        _cache = Path.Combine(root, "s3-cache");
        _scratch = scratch;
        Directory.CreateDirectory(_cache);
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            Timeout = options.Timeout,
            MaxErrorRetry = 2,
            // Checksums only where S3 requires them: S3-compatible servers do not all speak the newer trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _s3 = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public override string CacheFolder => _cache;

    private static string Key(string hash) => $"sha256/{hash[..2]}/{hash}";

    private static string RecipeKey(string recipe) => $"recipes/{recipe}";

    private string CachePath(string hash) => Path.Combine(_cache, hash[..2], hash);

    public override Task CommitAsync(string hash, string path, CancellationToken ct) => Guard(async () =>
    {
        byte[] md5;
        await using (var stream = File.OpenRead(path))
        {
            md5 = await MD5.HashDataAsync(stream, ct);
        }
        // One PUT: S3 makes an object visible only once all of it has arrived, and refuses a body whose MD5 differs
        // from Content-MD5. For servers that do not check it, the ETag (the MD5 of a single-part upload) is checked
        // here, and a mismatch removed before anyone could have been told the hash.
        var put = await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket, Key = Key(hash), FilePath = path, MD5Digest = Convert.ToBase64String(md5), UseChunkEncoding = false,
        }, ct);
        if (!string.Equals(put.ETag?.Trim('"'), Convert.ToHexStringLower(md5), StringComparison.OrdinalIgnoreCase))
        {
            await _s3.DeleteObjectAsync(_bucket, Key(hash), ct);
            throw new ArtifactStoreUnavailableException($"The artifact store received {hash} damaged (ETag {put.ETag}); nothing was stored.");
        }
        // The finished file is the local copy: the service that made it reads it next (compose, a chained shot).
        var cached = CachePath(hash);
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        File.Move(path, cached, overwrite: true);
    }, "store", hash);

    public override Task<bool> ExistsAsync(string hash, CancellationToken ct) => Guard(async () =>
        await HeadAsync(Key(hash), ct) is not null, "look up", hash);

    public override Task<string?> LocalPathAsync(string hash, CancellationToken ct) => Guard(async () =>
    {
        var cached = CachePath(hash);
        if (File.Exists(cached) && await HeadAsync(Key(hash), ct) is not null)
        {
            File.SetLastWriteTimeUtc(cached, DateTime.UtcNow); // in use: the sweep keeps it
            return cached;
        }
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(_bucket, Key(hash), ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        // Downloaded aside and checked against its name before it becomes the local copy.
        var temporary = Path.Combine(_scratch, $"{Guid.NewGuid():N}.download");
        try
        {
            using (response)
            await using (var file = File.Create(temporary))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await response.ResponseStream.ReadAsync(buffer, ct)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
                if (Convert.ToHexStringLower(sha.GetHashAndReset()) != hash)
                    throw new ArtifactStoreUnavailableException($"The stored object for artifact {hash} does not match its hash.");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            File.Move(temporary, cached, overwrite: true);
            return cached;
        }
        finally
        {
            File.Delete(temporary);
        }
    }, "fetch", hash);

    public override Task<Stream?> OpenReadAsync(string hash, CancellationToken ct) => Guard(async () =>
        await HeadAsync(Key(hash), ct) is { } head ? (Stream)new S3ObjectStream(_s3, _bucket, Key(hash), head.ContentLength) : null,
        "read", hash);

    public override Task<bool> DeleteAsync(string hash, CancellationToken ct) => Guard(async () =>
    {
        File.Delete(CachePath(hash));
        if (await HeadAsync(Key(hash), ct) is null) return false;
        await _s3.DeleteObjectAsync(_bucket, Key(hash), ct);
        return true;
    }, "delete", hash);

    public override Task PutRecipeAsync(string recipe, string hash, CancellationToken ct) => Guard(() =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = RecipeKey(recipe), ContentBody = hash, UseChunkEncoding = false }, ct),
        "remember", recipe);

    public override Task<string?> GetRecipeAsync(string recipe, CancellationToken ct) => Guard(async () =>
    {
        try
        {
            using var response = await _s3.GetObjectAsync(_bucket, RecipeKey(recipe), ct);
            using var reader = new StreamReader(response.ResponseStream);
            return (await reader.ReadToEndAsync(ct)).Trim();
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return (string?)null;
        }
    }, "recall", recipe);

    public override async IAsyncEnumerable<StoredArtifact> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = "sha256/" };
        while (true)
        {
            var page = await Guard(() => _s3.ListObjectsV2Async(request, ct), "list", "sha256/");
            foreach (var item in page.S3Objects ?? [])
            {
                var name = item.Key[(item.Key.LastIndexOf('/') + 1)..];
                if (ArtifactStore.IsHash(name)) yield return new StoredArtifact(name, item.Size ?? 0, item.LastModified ?? DateTime.UtcNow);
            }
            if (page.IsTruncated != true) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string key, CancellationToken ct)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(_bucket, key, ct);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Every failure of the server or the way to it becomes one retryable exception naming what was being done.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> action, string verb, string name)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (IsStoreFailure(ex))
        {
            // The message reaches a job's error, which clients read: the cause (hosts, ports) stays in the inner exception, for logs.
            throw new ArtifactStoreUnavailableException($"The artifact store could not {verb} {name}.", ex);
        }
    }

    private static async Task Guard(Func<Task> action, string verb, string name) =>
        await Guard(async () => { await action(); return true; }, verb, name);

    private static bool IsStoreFailure(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException
            or (TimeoutException) or (TaskCanceledException { InnerException: TimeoutException });

    public override void Dispose() => _s3.Dispose();
}
