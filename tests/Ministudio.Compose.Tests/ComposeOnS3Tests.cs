using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>
/// compose with the S3 backend, on an s3rver of the test's own: clips read from the bucket, the film written to it,
/// and (R5) the store going down mid-batch fails the film with the retryable code and stores nothing half-made.
/// </summary>
public sealed class ComposeOnS3Tests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("ministudio-compose-s3").FullName;
    private S3rverProcess _s3 = null!;
    private ArtifactStore _artifacts = null!;
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _s3 = await S3rverProcess.StartAsync();
        _artifacts = new ArtifactStore(TestS3.Options(Path.Combine(_root, "compose"), _s3.Endpoint));
        (_services, _harness) = await ComposeRig.StartAsync(_artifacts, new ComposeOptions(TimeSpan.FromMinutes(2), 2), voiced: false);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _artifacts.Dispose();
        await _s3.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Films_are_composed_from_and_into_the_bucket_and_a_store_outage_fails_them_retryably_until_it_is_back()
    {
        // The clips come from "render", a service with a local folder of its own: compose has only the bucket.
        using var render = new ArtifactStore(TestS3.Options(Path.Combine(_root, "render"), _s3.Endpoint));
        var folder = render.CreateScratchFolder();
        var clips = new List<string>();
        foreach (var colour in new[] { "red", "lime" })
            clips.Add(await render.AddFileAsync(await Clips.SolidAsync(folder, colour, 2), Ct));

        var first = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(first, clips, "dissolve", 0.5, "16:9"), Ct);
        var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == first);
        using var reader = new ArtifactStore(TestS3.Options(Path.Combine(_root, "prompt"), _s3.Endpoint));
        Assert.Equal(3.5, (await Media.ProbeAsync((await reader.FetchAsync(composed.ArtifactHash, Ct))!)).DurationSeconds, 0.1);

        // R5: the store goes down. The film fails with the retryable code; nothing is announced as composed.
        await _s3.StopAsync();
        var during = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(during, clips, "fade", 0.5, "16:9"), Ct);
        var failed = await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == during);
        Assert.Equal(ArtifactStoreUnavailableException.Code, failed.ErrorCode);
        Assert.DoesNotContain(_harness.Published.Select<FilmComposed>(Ct), m => m.Context.Message.JobId == during);

        // Back up: the same film submitted again is composed, and every object in the bucket is whole.
        await _s3.StartAgainAsync();
        var after = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(after, clips, "fade", 0.5, "16:9"), Ct);
        var recovered = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == after);
        Assert.NotEqual(composed.ArtifactHash, recovered.ArtifactHash);
        Assert.Equal(3.5, (await Media.ProbeAsync((await reader.FetchAsync(recovered.ArtifactHash, Ct))!)).DurationSeconds, 0.1);
        var stored = await reader.ListAsync(Ct).ToListAsync(Ct);
        Assert.Contains(stored, a => a.Hash == recovered.ArtifactHash);
        foreach (var artifact in stored)
            Assert.NotNull(await reader.FetchAsync(artifact.Hash, Ct)); // fetched and checked against its SHA-256 name
    }
}
