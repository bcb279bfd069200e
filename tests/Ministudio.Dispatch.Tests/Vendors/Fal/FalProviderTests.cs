using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Fal;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Fal;

/// <summary>The fal adapter against a faithful fake of fal's queue API.</summary>
public sealed class FalProviderTests : IAsyncLifetime
{
    private const string TextModel = "fal-ai/kling-video/v2.1/standard/text-to-video";
    private const string ImageModel = "fal-ai/kling-video/v2.1/standard/image-to-video";

    private FakeFalServer _fake = null!;
    private VendorTestHost _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeFalServer.StartAsync();
        _harness = Harness();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _fake.Host.DisposeAsync();
    }

    private VendorTestHost Harness(string timeout = "00:01:00") => VendorTestHost.Create(FalProvider.ProviderName, new Dictionary<string, string?>
    {
        ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
        ["ApiKey"] = FakeFalServer.Key,
        ["Model"] = TextModel,
        ["ImageToVideoModel"] = ImageModel,
        ["PollInterval"] = "00:00:00.010",
        ["TaskTimeout"] = timeout,
    });

    private IVideoProvider Provider => _harness.Provider(FalProvider.ProviderName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_is_queued_polled_at_the_urls_fal_returned_and_its_video_stored()
    {
        var progress = new RecordedProgress();
        var clip = await Provider.GenerateAsync(ShotJobs.Job(seconds: 3), progress, Ct);

        var calls = _fake.Host.Calls;
        Assert.Equal(("POST", $"/{TextModel}"), (calls[0].Method, calls[0].Path));
        Assert.All(calls.SkipLast(1), call => Assert.Equal($"Key {FakeFalServer.Key}", call.Authorization));
        var body = calls[0].Json!;
        Assert.Equal("ACTION: Mira walks along the harbour at dawn", (string?)body["prompt"]);
        Assert.Equal("5", (string?)body["duration"]);
        Assert.Equal("16:9", (string?)body["aspect_ratio"]);
        Assert.Equal("blurry, text", (string?)body["negative_prompt"]);
        Assert.Equal(42, (long?)body["seed"]);
        Assert.Null(body["image_url"]);

        // IN_QUEUE → IN_PROGRESS → COMPLETED at the app-id status URL, then the result, then the file at once.
        var statusPolls = calls.Where(c => c.Path.EndsWith("/status", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, statusPolls.Count);
        Assert.All(statusPolls, poll => Assert.Equal(("/fal-ai/kling-video", "?logs=1"), (poll.Path[..poll.Path.IndexOf("/requests/", StringComparison.Ordinal)], poll.Query)));
        Assert.Matches("^/fal-ai/kling-video/requests/[^/]+$", calls[^2].Path);
        Assert.StartsWith("/files/", calls[^1].Path);
        Assert.Contains(progress.Reports, p => p.Stage.StartsWith("queued", StringComparison.Ordinal));
        Assert.Contains(progress.Reports, p => p.Stage == "generating" && Math.Abs(p.Fraction - 0.8) < 0.01);
        Assert.Equal(await SampleClip.BytesAsync(), await File.ReadAllBytesAsync(_harness.Artifacts.PathOf(clip.ArtifactHash), Ct));
    }

    [Fact]
    public async Task Without_urls_in_the_answer_the_client_builds_them_from_the_endpoint()
    {
        _fake.OmitUrls = true;
        await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        Assert.All(_fake.Host.Calls.Where(c => c.Path.Contains("/requests/", StringComparison.Ordinal)),
            call => Assert.StartsWith($"/{TextModel}/requests/", call.Path));
    }

    [Fact]
    public async Task A_continuing_shot_goes_to_the_image_to_video_endpoint_with_its_first_frame()
    {
        var previous = await _harness.AddPreviousClipAsync();
        await Provider.GenerateAsync(ShotJobs.Job(firstFrameClip: previous), new RecordedProgress(), Ct);
        var submit = _fake.Host.Calls[0];
        Assert.Equal($"/{ImageModel}", submit.Path);
        Assert.StartsWith("data:image/png;base64,", (string?)submit.Json!["image_url"]);
    }

    [Fact]
    public async Task A_rate_limited_submit_is_retryable_after_the_vendors_delay()
    {
        _fake.Host.Create = CreateAnswer.RateLimited;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.RateLimited, true, TimeSpan.FromSeconds(4)), (error.Code, error.Retryable, error.RetryAfter));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task Server_errors_while_polling_are_tolerated()
    {
        _fake.Host.FailingPolls = 2;
        var clip = await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        Assert.True(_harness.Artifacts.Contains(clip.ArtifactHash));
    }

    [Fact]
    public async Task A_content_policy_violation_in_the_result_is_a_content_rejection()
    {
        _fake.Host.Ending = TaskEnding.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_content_policy_violation_at_submit_is_a_content_rejection()
    {
        _fake.Host.Create = CreateAnswer.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_validation_error_is_an_invalid_request()
    {
        _fake.Host.Create = CreateAnswer.BadRequest;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.InvalidRequest, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Canceling_the_shot_cancels_the_request_at_fal()
    {
        _fake.Host.Ending = TaskEnding.Never;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var generation = Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), cts.Token);
        await Eventually.TrueAsync(() => _fake.Host.Calls.Count(c => c.Method == "GET") >= 2);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        var cancel = Assert.Single(_fake.Host.Calls, c => c.Method == "PUT");
        Assert.Matches("^/fal-ai/kling-video/requests/[^/]+/cancel$", cancel.Path);
        Assert.Equal($"Key {FakeFalServer.Key}", cancel.Authorization);
    }

    [Fact]
    public async Task A_request_that_outlives_the_task_timeout_is_canceled_there_and_times_out()
    {
        await using var harness = Harness(timeout: "00:00:00.300");
        _fake.Host.Ending = TaskEnding.Never;
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(FalProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal(ProviderErrors.Timeout, error.Code);
        Assert.Single(_fake.Host.Calls, c => c.Method == "PUT" && c.Path.EndsWith("/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_catalogues_default_endpoint_veo3_gets_lengths_as_4s_6s_or_8s()
    {
        await using var harness = VendorTestHost.Create(FalProvider.ProviderName, new Dictionary<string, string?>
        {
            ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
            ["ApiKey"] = FakeFalServer.Key,
            ["PollInterval"] = "00:00:00.010",
        });

        await harness.Provider(FalProvider.ProviderName).GenerateAsync(ShotJobs.Job(seconds: 5), new RecordedProgress(), Ct);

        var submit = _fake.Host.Calls[0];
        Assert.Equal(("POST", "/fal-ai/veo3"), (submit.Method, submit.Path));
        Assert.Equal("6s", (string?)submit.Json!["duration"]);
    }
}
