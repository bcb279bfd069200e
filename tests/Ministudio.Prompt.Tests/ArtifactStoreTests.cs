using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>The artifact store on both backends; the S3 one against a real S3-compatible server (s3rver).</summary>
public sealed class ArtifactStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ministudio-store-tests").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ArtifactStore S3Store(string name, string? endpoint = null) => new(TestS3.Options(Path.Combine(_root, name), endpoint));

    private static AmazonS3Client RawClient() => new(new BasicAWSCredentials(TestS3.AccessKey, TestS3.SecretKey),
        new AmazonS3Config { ServiceURL = TestS3.Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private static async Task<(string Path, byte[] Bytes, string Hash)> FileAsync(ArtifactStore store, int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        var path = Path.Combine(store.CreateScratchFolder(), "clip.mp4");
        await File.WriteAllBytesAsync(path, bytes, Ct);
        return (path, bytes, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task An_S3_store_keeps_a_file_at_its_content_address_and_another_service_reads_it_whole_and_in_ranges()
    {
        using var compose = S3Store("compose");
        using var prompt = S3Store("prompt");
        var (path, bytes, hash) = await FileAsync(compose, 300_000);

        Assert.Equal(hash, await compose.AddFileAsync(path, Ct));
        Assert.False(File.Exists(path));

        // In the bucket under sha256/ab/abcd….
        using var s3 = RawClient();
        using (var stored = await s3.GetObjectAsync(TestS3.Bucket, $"sha256/{hash[..2]}/{hash}", Ct))
        using (var copy = new MemoryStream())
        {
            await stored.ResponseStream.CopyToAsync(copy, Ct);
            Assert.Equal(bytes, copy.ToArray());
        }

        // Another service, with an empty local folder of its own: a local copy for tools, and a seekable stream.
        Assert.True(await prompt.ContainsAsync(hash, Ct));
        var local = await prompt.FetchAsync(hash, Ct);
        Assert.StartsWith(prompt.Root, local);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(local!, Ct));
        await using (var stream = (await prompt.OpenReadAsync(hash, Ct))!)
        {
            Assert.Equal(bytes.Length, stream.Length);
            stream.Seek(123_456, SeekOrigin.Begin);
            var range = new byte[1000];
            await stream.ReadExactlyAsync(range, Ct);
            Assert.Equal(bytes[123_456..124_456], range);
            stream.Seek(-10, SeekOrigin.End);
            var tail = new byte[20];
            Assert.Equal(10, await stream.ReadAtLeastAsync(tail, 20, throwOnEndOfStream: false, Ct));
            Assert.Equal(bytes[^10..], tail[..10]);
        }
        Assert.Contains(await prompt.ListAsync(Ct).ToListAsync(Ct), a => a.Hash == hash && a.Size == bytes.Length);

        // Recipes are shared through the bucket too.
        var recipe = Convert.ToHexStringLower(SHA256.HashData("the same timeline"u8));
        await compose.RememberAsync(recipe, hash, Ct);
        Assert.Equal(hash, await prompt.RecallAsync(recipe, Ct));

        Assert.True(await prompt.DeleteAsync(hash, Ct));
        Assert.False(await compose.ContainsAsync(hash, Ct));
        Assert.Null(await prompt.OpenReadAsync(hash, Ct));
        Assert.Null(await prompt.RecallAsync(recipe, Ct));
        Assert.False(await prompt.DeleteAsync(hash, Ct));
    }

    [Fact]
    public async Task An_object_that_does_not_match_its_name_is_never_handed_out()
    {
        using var store = S3Store("reader");
        var hash = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
        using var s3 = RawClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = TestS3.Bucket, Key = $"sha256/{hash[..2]}/{hash}", ContentBody = "truncated", UseChunkEncoding = false }, Ct);

        var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.FetchAsync(hash, Ct));
        Assert.Contains("does not match", error.Message);
        Assert.Empty(Directory.EnumerateFiles(store.Root, hash, SearchOption.AllDirectories));
    }

    [Fact]
    public async Task An_S3_server_that_is_down_fails_a_write_with_the_retryable_code_and_stores_nothing()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var closed = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";
        listener.Stop();
        using var store = S3Store("down", closed);
        var (path, _, hash) = await FileAsync(store, 1000);

        var error = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.AddFileAsync(path, Ct));
        Assert.Equal("artifacts.unavailable", ArtifactStoreUnavailableException.Code);
        Assert.Contains(hash, error.Message);
        Assert.True(File.Exists(path), "the file stays where it was, for the caller to clean up");
        using var up = S3Store("up");
        Assert.False(await up.ContainsAsync(hash, Ct));
        await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.ContainsAsync(hash, Ct));
    }

    [Theory]
    [InlineData(ArtifactOptions.FileSystemBackend)]
    [InlineData(ArtifactOptions.S3Backend)]
    public async Task Both_backends_answer_null_for_an_artifact_they_do_not_have_and_sweep_only_old_scratch(string backend)
    {
        using var store = backend == ArtifactOptions.S3Backend ? S3Store("sweep") : new ArtifactStore(Path.Combine(_root, "sweep"));
        var missing = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray()));
        Assert.Null(await store.FetchAsync(missing, Ct));
        Assert.Null(await store.OpenReadAsync(missing, Ct));
        Assert.False(await store.ContainsAsync(missing, Ct));

        // A crashed render's folder, last written a day ago, and a live one.
        var crashed = store.CreateScratchFolder();
        File.WriteAllText(Path.Combine(crashed, "shot.mp4"), "half a clip");
        foreach (var entry in new[] { Path.Combine(crashed, "shot.mp4"), crashed }) File.SetLastWriteTimeUtc(entry, DateTime.UtcNow.AddDays(-1));
        var live = store.CreateScratchFolder();
        var (path, bytes, hash) = await FileAsync(store, 100);
        await store.AddFileAsync(path, Ct);

        Assert.Equal(1, store.SweepScratch(DateTimeOffset.UtcNow.AddHours(-6)));
        Assert.False(Directory.Exists(crashed));
        Assert.True(Directory.Exists(live));
        Assert.Equal(bytes, await File.ReadAllBytesAsync((await store.FetchAsync(hash, Ct))!, Ct));
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_with_the_key_to_fix()
    {
        Assert.Contains("Artifacts:Backend", new ArtifactOptions { Root = _root, Backend = "ftp" }.Problem());
        Assert.Contains("Artifacts:S3:ServiceUrl", new ArtifactOptions { Root = _root, Backend = "s3" }.Problem());
        Assert.Contains("Artifacts:S3:Bucket", new ArtifactOptions { Root = _root, Backend = "s3", S3 = new() { ServiceUrl = "http://127.0.0.1:9000" } }.Problem());
        Assert.Null(TestS3.Options(_root, "http://127.0.0.1:9000").Problem());
    }
}
