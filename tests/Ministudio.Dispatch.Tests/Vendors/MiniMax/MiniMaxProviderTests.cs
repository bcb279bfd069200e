using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.MiniMax;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;

namespace Ministudio.Dispatch.Tests.Vendors.MiniMax;

/// <summary>The MiniMax adapter against a faithful fake of MiniMax's video API (errors in base_resp, HTTP 200).</summary>
public sealed class MiniMaxProviderTests : IAsyncLifetime
{
    private FakeMiniMaxServer _fake = null!;
    private VendorTestHost _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeMiniMaxServer.StartAsync();
        _harness = Harness();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _fake.Host.DisposeAsync();
    }

    private VendorTestHost Harness(string timeout = "00:01:00", string key = FakeMiniMaxServer.ApiKey, string model = "MiniMax-Hailuo-02") =>
        VendorTestHost.Create(MiniMaxProvider.ProviderName, new Dictionary<string, string?>
        {
            ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
            ["ApiKey"] = key,
            ["Model"] = model,
            ["PollInterval"] = "00:00:00.010",
            ["TaskTimeout"] = timeout,
        });

    private IVideoProvider Provider => _harness.Provider(MiniMaxProvider.ProviderName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_task_is_created_polled_through_its_states_resolved_to_a_file_and_stored()
    {
        _fake.Host.WorkingPolls = 3;
        var progress = new RecordedProgress();
        var clip = await Provider.GenerateAsync(ShotJobs.Job(seconds: 5), progress, Ct);

        var calls = _fake.Host.Calls;
        Assert.Equal(("POST", "/v1/video_generation"), (calls[0].Method, calls[0].Path));
        Assert.All(calls.SkipLast(1), call => Assert.Equal($"Bearer {FakeMiniMaxServer.ApiKey}", call.Authorization));
        var body = calls[0].Json!;
        Assert.Equal(("MiniMax-Hailuo-02", 6, "768P", false), ((string?)body["model"], (int?)body["duration"], (string?)body["resolution"], (bool?)body["prompt_optimizer"]));
        Assert.Equal("ACTION: Mira walks along the harbour at dawn", (string?)body["prompt"]);
        Assert.Null(body["first_frame_image"]);

        // Preparing → Queueing → Processing → Success, then the file id becomes a link that is used at once.
        Assert.Equal(4, calls.Count(c => c.Path == "/v1/query/video_generation"));
        Assert.Equal("/v1/files/retrieve", calls[^2].Path);
        Assert.StartsWith("/cdn/", calls[^1].Path);
        Assert.Equal(["preparing", "queued", "generating"], progress.Reports.Select(p => p.Stage).Where(s => s is "preparing" or "queued" or "generating"));
        Assert.Equal(await SampleClip.BytesAsync(), await File.ReadAllBytesAsync(_harness.Artifacts.PathOf(clip.ArtifactHash), Ct));
    }

    [Fact]
    public async Task A_full_hd_short_shot_asks_for_1080P()
    {
        await Provider.GenerateAsync(ShotJobs.Job(seconds: 6, width: 1920, height: 1080), new RecordedProgress(), Ct);
        Assert.Equal("1080P", (string?)_fake.Host.Calls[0].Json!["resolution"]);
    }

    [Fact]
    public async Task A_continuing_shot_sends_its_first_frame_and_may_be_portrait()
    {
        var previous = await _harness.AddPreviousClipAsync();
        await Provider.GenerateAsync(ShotJobs.Job(aspect: "9:16", width: 720, height: 1280, firstFrameClip: previous), new RecordedProgress(), Ct);
        Assert.StartsWith("data:image/png;base64,", (string?)_fake.Host.Calls[0].Json!["first_frame_image"]);
    }

    [Fact]
    public async Task A_portrait_shot_from_text_alone_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(aspect: "9:16", width: 720, height: 1280), new RecordedProgress(), Ct));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(_fake.Host.Calls);
    }

    [Fact]
    public async Task The_subject_reference_model_gets_the_shots_reference_images()
    {
        await using var harness = Harness(model: "S2V-01");
        var image = Path.Combine(harness.Artifacts.CreateScratchFolder(), "mira.png");
        await File.WriteAllBytesAsync(image, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3], Ct);
        var reference = await harness.Artifacts.AddFileAsync(image, Ct);

        await harness.Provider(MiniMaxProvider.ProviderName).GenerateAsync(ShotJobs.Job(references: [reference]), new RecordedProgress(), Ct);
        var subject = _fake.Host.Calls[0].Json!["subject_reference"]![0]!;
        Assert.Equal("character", (string?)subject["type"]);
        Assert.StartsWith("data:image/png;base64,", (string?)subject["image"]![0]);
    }

    [Fact]
    public async Task Rate_limit_code_1002_is_retryable()
    {
        _fake.Host.Create = CreateAnswer.RateLimited;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.RateLimited, true), (error.Code, error.Retryable));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task A_gateway_429_keeps_its_retry_after()
    {
        _fake.Host.Create = CreateAnswer.RateLimited;
        _fake.RateLimitAtGateway = true;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.RateLimited, true, TimeSpan.FromSeconds(7)), (error.Code, error.Retryable, error.RetryAfter));
    }

    [Theory]
    [InlineData(1008, "insufficient balance", ProviderErrors.QuotaExceeded)]
    [InlineData(1026, "input new_sensitive", ProviderErrors.ContentRejected)]
    [InlineData(2013, "invalid params, duration", ProviderErrors.InvalidRequest)]
    [InlineData(1000, "unknown error", ProviderErrors.Unavailable)]
    public async Task Create_codes_map_to_ours_and_none_is_retried(int code, string message, string expected)
    {
        _fake.CreateError = (code, message);
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((expected, false), (error.Code, error.Retryable));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        await using var harness = Harness(key: "wrong");
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(MiniMaxProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Unauthorized, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Errors_while_polling_are_tolerated()
    {
        _fake.Host.FailingPolls = 3;
        var clip = await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        Assert.True(_harness.Artifacts.Contains(clip.ArtifactHash));
    }

    [Fact]
    public async Task Sensitive_output_is_a_content_rejection_that_is_never_retried()
    {
        _fake.Host.Ending = TaskEnding.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
        Assert.Contains("1027", error.Message);
    }

    [Fact]
    public async Task A_plain_failure_is_a_retryable_vendor_failure()
    {
        _fake.Host.Ending = TaskEnding.Fail;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Failed, true), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_task_that_outlives_the_task_timeout_times_out()
    {
        await using var harness = Harness(timeout: "00:00:00.300");
        _fake.Host.Ending = TaskEnding.Never;
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(MiniMaxProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Timeout, true), (error.Code, error.Retryable));
    }
}
