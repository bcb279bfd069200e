using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Kling;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Kling;

/// <summary>The Kling adapter against a faithful fake of Kling's API that checks every JWT.</summary>
public sealed class KlingProviderTests : IAsyncLifetime
{
    private FakeKlingServer _fake = null!;
    private VendorTestHost _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeKlingServer.StartAsync();
        _harness = Harness();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _fake.Host.DisposeAsync();
    }

    private VendorTestHost Harness(string timeout = "00:01:00", string secret = FakeKlingServer.SecretKey) => VendorTestHost.Create(KlingProvider.ProviderName, new Dictionary<string, string?>
    {
        ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
        ["ApiKey"] = FakeKlingServer.AccessKey,
        ["SecretKey"] = secret,
        ["Model"] = "kling-v2-1",
        ["Mode"] = "pro",
        ["PollInterval"] = "00:00:00.010",
        ["TaskTimeout"] = timeout,
    });

    private IVideoProvider Provider => _harness.Provider(KlingProvider.ProviderName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_text_to_video_task_is_created_with_a_signed_token_polled_and_its_video_stored()
    {
        var progress = new RecordedProgress();
        var clip = await Provider.GenerateAsync(ShotJobs.Job(seconds: 8), progress, Ct);

        var calls = _fake.Host.Calls;
        Assert.Equal(("POST", "/v1/videos/text2video"), (calls[0].Method, calls[0].Path));
        var body = calls[0].Json!;
        Assert.Equal(("kling-v2-1", "pro", "10", "16:9"), ((string?)body["model_name"], (string?)body["mode"], (string?)body["duration"], (string?)body["aspect_ratio"]));
        Assert.Equal("ACTION: Mira walks along the harbour at dawn", (string?)body["prompt"]);
        Assert.Equal("blurry, text", (string?)body["negative_prompt"]);
        // Kling documents cfg_scale as unsupported on v2.x models: it is not sent to them.
        Assert.Null(body["cfg_scale"]);
        Assert.Null(body["image"]);

        // The fake accepted every token (it checks signature, nbf and exp); the claims are Kling's.
        var claims = _fake.LastClaims!;
        Assert.Equal(FakeKlingServer.AccessKey, (string?)claims["iss"]);
        Assert.InRange((long)claims["exp"]! - (long)claims["nbf"]!, 1800, 1810);

        // submitted → processing → succeed, then the video link is used at once.
        var polls = calls.Where(c => c.Method == "GET" && c.Path.StartsWith("/v1/videos/text2video/", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, polls.Count);
        Assert.StartsWith("/cdn/", calls[^1].Path);
        Assert.Equal(calls[^2], polls[^1]);
        Assert.Contains(progress.Reports, p => p.Stage == "queued");
        Assert.Contains(progress.Reports, p => p.Stage == "generating");
        Assert.Equal(await SampleClip.BytesAsync(), await File.ReadAllBytesAsync(_harness.Artifacts.PathOf(clip.ArtifactHash), Ct));
    }

    [Fact]
    public async Task A_continuing_shot_is_image_to_video_with_its_first_frame_as_bare_base64()
    {
        var previous = await _harness.AddPreviousClipAsync();
        await Provider.GenerateAsync(ShotJobs.Job(firstFrameClip: previous), new RecordedProgress(), Ct);

        var create = _fake.Host.Calls[0];
        Assert.Equal("/v1/videos/image2video", create.Path);
        var image = Convert.FromBase64String((string)create.Json!["image"]!);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, image[..4]);
        Assert.Null(create.Json!["aspect_ratio"]);
        Assert.Contains(_fake.Host.Calls, c => c.Method == "GET" && c.Path.StartsWith("/v1/videos/image2video/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_shot_with_reference_images_is_multi_image_to_video_with_at_most_four()
    {
        var references = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var path = Path.Combine(_harness.Artifacts.CreateScratchFolder(), "reference.png");
            await File.WriteAllBytesAsync(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, (byte)i], Ct);
            references.Add(await _harness.Artifacts.AddFileAsync(path, Ct));
        }
        await Provider.GenerateAsync(ShotJobs.Job(aspect: "9:16", width: 720, height: 1280, references: references), new RecordedProgress(), Ct);

        var create = _fake.Host.Calls[0];
        Assert.Equal("/v1/videos/multi-image2video", create.Path);
        Assert.Equal(("kling-v1-6", "9:16"), ((string?)create.Json!["model_name"], (string?)create.Json!["aspect_ratio"]));
        var images = create.Json!["image_list"]!.AsArray().Select(i => Convert.FromBase64String((string)i!["image"]!)[^1]).ToList();
        Assert.Equal(new byte[] { 0, 1, 2, 3 }, images);
        Assert.Contains(_fake.Host.Calls, c => c.Method == "GET" && c.Path.StartsWith("/v1/videos/multi-image2video/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_token_signed_with_the_wrong_secret_is_refused_as_unauthorized()
    {
        await using var harness = Harness(secret: "not-the-secret");
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(KlingProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Unauthorized, false), (error.Code, error.Retryable));
        Assert.Contains("1002", error.Message);
    }

    [Fact]
    public async Task A_rate_limited_create_is_retryable_after_the_vendors_delay()
    {
        _fake.Host.Create = CreateAnswer.RateLimited;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.RateLimited, true, TimeSpan.FromSeconds(5)), (error.Code, error.Retryable, error.RetryAfter));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task An_exhausted_resource_pack_is_quota_exceeded_not_a_rate_limit()
    {
        _fake.CreateError = (429, 1102, "Resource pack depleted or expired");
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.QuotaExceeded, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Server_errors_while_polling_are_tolerated()
    {
        _fake.Host.FailingPolls = 2;
        var clip = await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        Assert.True(_harness.Artifacts.Contains(clip.ArtifactHash));
    }

    [Fact]
    public async Task A_risk_control_failure_is_a_content_rejection_that_is_never_retried()
    {
        _fake.Host.Ending = TaskEnding.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task The_content_security_code_at_create_is_a_content_rejection()
    {
        _fake.Host.Create = CreateAnswer.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Invalid_parameters_are_an_invalid_request()
    {
        _fake.Host.Create = CreateAnswer.BadRequest;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.InvalidRequest, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task An_aspect_ratio_kling_does_not_make_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(aspect: "21:9", width: 1680, height: 720), new RecordedProgress(), Ct));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(_fake.Host.Calls);
    }

    [Fact]
    public async Task Canceling_the_shot_stops_polling()
    {
        _fake.Host.Ending = TaskEnding.Never;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var generation = Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), cts.Token);
        await Eventually.TrueAsync(() => _fake.Host.Calls.Count(c => c.Method == "GET") >= 2);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        var callsAfterCancel = _fake.Host.Calls.Count;
        await Task.Delay(100, Ct);
        Assert.Equal(callsAfterCancel, _fake.Host.Calls.Count);
    }

    [Fact]
    public async Task A_task_that_outlives_the_task_timeout_times_out()
    {
        await using var harness = Harness(timeout: "00:00:00.300");
        _fake.Host.Ending = TaskEnding.Never;
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(KlingProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Timeout, true), (error.Code, error.Retryable));
    }
}
