using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors;

/// <summary>The shared vendor kit on its own: task polling, create/poll/download call rules and the clip downloader.</summary>
public sealed class VendorKitTests : IDisposable
{
    private static readonly VendorOptions Fast = new() { PollInterval = TimeSpan.FromMilliseconds(2), TaskTimeout = TimeSpan.FromMinutes(1) };
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-kit-tests").FullName);

    public void Dispose() => Directory.Delete(_artifacts.Root, recursive: true);

    [Fact]
    public async Task Every_adapter_registers_itself_under_its_catalogue_entry_and_every_vendor_still_making_video_has_one()
    {
        await using var harness = VendorHarness.Create(new Dictionary<string, string?>());
        var registered = harness.ProviderNames;
        var catalogue = harness.Catalogue.Vendors.Keys;

        // One adapter per name; "local" is the render service itself (routed, not an adapter), "sora" is retired.
        Assert.Equal(registered.Distinct().Order(), registered.Order());
        Assert.Equal(["fal", "gemini", "kling", "luma", "minimax", "mock", "replicate", "runway", "veo"], registered.Order());
        Assert.Subset(catalogue.ToHashSet(), registered.ToHashSet());
        Assert.Equal(["local", "sora"], catalogue.Except(registered).Order());
    }

    [Fact]
    public async Task VendorTask_tolerates_a_run_of_transient_poll_failures()
    {
        var polls = 0;
        var output = await VendorTask.WaitAsync("acme", _ => ++polls switch
        {
            1 => Task.FromResult<TaskState>(new TaskState.Working(0.2, "generating")),
            2 => throw new HttpRequestException("connection reset"),
            <= 5 => throw new ProviderException(ProviderErrors.Unavailable, "503", retryable: true),
            _ => Task.FromResult<TaskState>(new TaskState.Succeeded("video-1")),
        }, null, Fast, new RecordingProgress(), TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal("video-1", output);
        Assert.Equal(6, polls);
    }

    [Fact]
    public async Task VendorTask_gives_up_after_five_failed_polls_in_a_row_and_at_once_on_a_permanent_one()
    {
        var transient = 0;
        var permanent = 0;

        var tooMany = await Assert.ThrowsAsync<ProviderException>(() => VendorTask.WaitAsync("acme", _ =>
        {
            transient++;
            throw new ProviderException(ProviderErrors.Unavailable, "503", retryable: true);
        }, null, Fast, new RecordingProgress(), TimeProvider.System, TestContext.Current.CancellationToken));
        var refused = await Assert.ThrowsAsync<ProviderException>(() => VendorTask.WaitAsync("acme", _ =>
        {
            permanent++;
            throw new ProviderException(ProviderErrors.Unauthorized, "401", retryable: false);
        }, null, Fast, new RecordingProgress(), TimeProvider.System, TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrors.Unavailable, tooMany.Code);
        Assert.Equal(5, transient);
        Assert.Equal(ProviderErrors.Unauthorized, refused.Code);
        Assert.Equal(1, permanent);
    }

    [Fact]
    public async Task VendorTask_cancels_at_the_vendor_and_times_out_when_the_task_runs_too_long()
    {
        var cancels = 0;
        var options = new VendorOptions { PollInterval = TimeSpan.FromMilliseconds(2), TaskTimeout = TimeSpan.FromMilliseconds(100) };

        var error = await Assert.ThrowsAsync<ProviderException>(() => VendorTask.WaitAsync("acme",
            _ => Task.FromResult<TaskState>(new TaskState.Working(null, "generating")),
            _ => { cancels++; return Task.CompletedTask; }, options, new RecordingProgress(), TimeProvider.System, TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrors.Timeout, error.Code);
        Assert.True(error.Retryable);
        Assert.Equal(1, cancels);
    }

    [Fact]
    public async Task VendorTask_cancels_at_the_vendor_when_the_shot_is_cancelled()
    {
        var cancels = 0;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var polls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => VendorTask.WaitAsync("acme", _ =>
        {
            if (++polls == 3) cancellation.Cancel();
            return Task.FromResult<TaskState>(new TaskState.Working(0.5, "generating"));
        }, _ => { cancels++; return Task.CompletedTask; }, Fast, new RecordingProgress(), TimeProvider.System, cancellation.Token));

        Assert.Equal(1, cancels);
    }

    [Fact]
    public async Task VendorTask_progress_never_goes_back_and_creeps_when_the_vendor_gives_none()
    {
        var progress = new RecordingProgress();
        TaskState[] states = [new TaskState.Working(null, "queued"), new TaskState.Working(0.6, "generating"), new TaskState.Working(0.3, "generating"),
            new TaskState.Working(null, "generating"), new TaskState.Succeeded("done")];
        var next = 0;

        await VendorTask.WaitAsync("acme", _ => Task.FromResult(states[next++]), null, Fast, progress, TimeProvider.System, TestContext.Current.CancellationToken);

        var fractions = progress.Reports.Select(r => r.Fraction).ToList();
        Assert.Equal(4, fractions.Count);
        Assert.True(fractions[0] > 0);
        Assert.Equal(fractions.Order(), fractions);
        Assert.True(fractions[3] > fractions[2]);
    }

    [Fact]
    public async Task ClipDownloader_stores_an_mp4_under_its_sha256()
    {
        var video = await TestMedia.ClipAsync();
        var downloader = Downloader();

        var hash = await downloader.DownloadAsync(Serving(video), new HttpRequestMessage(HttpMethod.Get, "http://vendor.test/clip.mp4"), "acme", TestContext.Current.CancellationToken);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(video)), hash);
        Assert.Equal(video, await File.ReadAllBytesAsync(_artifacts.PathOf(hash), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ClipDownloader_refuses_videos_over_the_cap_whether_or_not_the_length_is_announced()
    {
        var video = await TestMedia.ClipAsync();
        var downloader = Downloader(maxBytes: video.Length - 1);

        var announced = await Assert.ThrowsAsync<ProviderException>(() =>
            downloader.DownloadAsync(Serving(video), new HttpRequestMessage(HttpMethod.Get, "http://vendor.test/a.mp4"), "acme", TestContext.Current.CancellationToken));
        var streamed = await Assert.ThrowsAsync<ProviderException>(() =>
            downloader.StoreAsync(new MemoryStream(video), "acme", TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrors.BadOutput, announced.Code);
        Assert.Equal(ProviderErrors.BadOutput, streamed.Code);
        Assert.False(streamed.Retryable);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_artifacts.Root, "sha256"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task ClipDownloader_refuses_a_body_that_is_not_an_mp4()
    {
        var page = "<html><body>Access denied</body></html>"u8.ToArray();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Downloader().DownloadAsync(Serving(page), new HttpRequestMessage(HttpMethod.Get, "http://vendor.test/a.mp4"), "acme", TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrors.BadOutput, error.Code);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_artifacts.Root, "sha256"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_create_is_retryable_only_when_the_vendor_provably_did_not_take_it()
    {
        var limited = await CreateFailureAsync(Answering(HttpStatusCode.TooManyRequests, retryAfter: 3));
        var broken = await CreateFailureAsync(Answering(HttpStatusCode.BadGateway));
        var slow = await CreateFailureAsync(new HttpClient(new Stub(async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        })) { Timeout = TimeSpan.FromMilliseconds(50) });
        var refused = await CreateFailureAsync(new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{FreePort.Next()}/") });
        var notCreated = await CreateFailureAsync(Answering(HttpStatusCode.ServiceUnavailable), (_, _) =>
            new ProviderException(ProviderErrors.Unavailable, "the vendor says nothing was created", retryable: true));

        Assert.Equal((ProviderErrors.RateLimited, true, TimeSpan.FromSeconds(3)), (limited.Code, limited.Retryable, limited.RetryAfter));
        Assert.Equal((ProviderErrors.Unavailable, false), (broken.Code, broken.Retryable));
        Assert.Equal((ProviderErrors.Timeout, false), (slow.Code, slow.Retryable));
        Assert.Equal((ProviderErrors.Unavailable, true), (refused.Code, refused.Retryable));
        Assert.True(notCreated.Retryable);
    }

    [Fact]
    public async Task Downloads_are_reads_and_are_tried_again_after_a_transient_failure()
    {
        var video = await TestMedia.ClipAsync();
        var calls = 0;
        var client = new HttpClient(new Stub(_ => Task.FromResult(++calls == 1
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(TimeSpan.Zero) } }
            : new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(video) })));

        var hash = await VendorCalls.DownloadAsync(Downloader(), client, () => new HttpRequestMessage(HttpMethod.Get, "http://vendor.test/a.mp4"),
            "acme", TimeProvider.System, TestContext.Current.CancellationToken);

        Assert.Equal(2, calls);
        Assert.True(_artifacts.Contains(hash));
    }

    private static async Task<ProviderException> CreateFailureAsync(HttpClient client, Func<HttpStatusCode, string, ProviderException?>? classify = null)
    {
        using (client)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(client.BaseAddress ?? new Uri("http://vendor.test/"), "v1/tasks"));
            return await Assert.ThrowsAsync<ProviderException>(() => VendorCalls.CreateAsync(client, request, "acme", TestContext.Current.CancellationToken, classify));
        }
    }

    private static HttpClient Answering(HttpStatusCode status, int? retryAfter = null) => new(new Stub(_ =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent("""{"error":"nope"}""") };
        if (retryAfter is { } seconds) response.Headers.RetryAfter = new(TimeSpan.FromSeconds(seconds));
        return Task.FromResult(response);
    }));

    private static HttpClient Serving(byte[] body) =>
        new(new Stub(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) })));

    private ClipDownloader Downloader(long? maxBytes = null) => new(_artifacts, new ConfigurationBuilder()
        .AddInMemoryCollection(maxBytes is { } cap ? new Dictionary<string, string?> { ["Dispatch:MaxClipBytes"] = cap.ToString(System.Globalization.CultureInfo.InvariantCulture) } : [])
        .Build());

    private sealed class Stub(Func<CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => answer(cancellationToken);
    }
}
