using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Replicate;
using Ministudio.Dispatch.Tests.Vendors.HostedFakes;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Replicate;

/// <summary>The Replicate adapter against a faithful fake of Replicate's predictions API.</summary>
public sealed class ReplicateProviderTests : IAsyncLifetime
{
    private FakeReplicateServer _fake = null!;
    private VendorTestHost _harness = null!;

    public async ValueTask InitializeAsync()
    {
        _fake = await FakeReplicateServer.StartAsync();
        _harness = Harness();
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.DisposeAsync();
        await _fake.Host.DisposeAsync();
    }

    private VendorTestHost Harness(string timeout = "00:01:00") => VendorTestHost.Create(ReplicateProvider.ProviderName, new Dictionary<string, string?>
    {
        ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
        ["ApiKey"] = FakeReplicateServer.Token,
        ["Model"] = "kwaivgi/kling-v2.1",
        ["WaitSeconds"] = "2",
        ["PollInterval"] = "00:00:00.010",
        ["TaskTimeout"] = timeout,
    });

    private IVideoProvider Provider => _harness.Provider(ReplicateProvider.ProviderName);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_prediction_is_created_polled_with_progress_and_its_output_stored()
    {
        var progress = new RecordedProgress();
        var clip = await Provider.GenerateAsync(ShotJobs.Job(seconds: 4.5), progress, Ct);

        var calls = _fake.Host.Calls;
        var create = calls[0];
        Assert.Equal(("POST", "/v1/models/kwaivgi/kling-v2.1/predictions"), (create.Method, create.Path));
        Assert.All(calls.SkipLast(1), call => Assert.Equal("Bearer r8_test_token", call.Authorization));
        Assert.Equal("wait=2", create.Prefer);
        var input = create.Json!["input"]!;
        Assert.Equal("ACTION: Mira walks along the harbour at dawn", (string?)input["prompt"]);
        Assert.Equal("blurry, text", (string?)input["negative_prompt"]);
        Assert.Equal(42, (long?)input["seed"]);
        Assert.Equal("16:9", (string?)input["aspect_ratio"]);
        Assert.Equal(5, (int?)input["duration"]);
        Assert.Null(input["start_image"]);

        // starting → processing (2 polls) → succeeded, then the output is fetched at once.
        Assert.Equal(["POST", "GET", "GET", "GET", "GET"], calls.Select(c => c.Method));
        Assert.StartsWith("/files/", calls[^1].Path);
        Assert.Contains(progress.Reports, p => p.Fraction is > 0.5 and < 0.95 && p.Stage == "processing");
        Assert.Equal(1, progress.Reports[^1].Fraction);
        Assert.Equal(await SampleClip.BytesAsync(), await File.ReadAllBytesAsync(_harness.Artifacts.PathOf(clip.ArtifactHash), Ct));
        Assert.Equal("kwaivgi/kling-v2.1", clip.Model);
    }

    [Fact]
    public async Task A_quick_model_answers_within_the_wait_and_is_never_polled()
    {
        _fake.FinishesWithinWait = true;
        await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        var calls = _fake.Host.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Equal("POST /v1/models/kwaivgi/kling-v2.1/predictions", calls[0].ToString());
        Assert.StartsWith("GET /files/", calls[1].ToString());
    }

    [Fact]
    public async Task A_continuing_shot_sends_the_previous_clips_last_frame_as_the_models_start_image()
    {
        var previous = await _harness.AddPreviousClipAsync();
        await Provider.GenerateAsync(ShotJobs.Job(firstFrameClip: previous), new RecordedProgress(), Ct);
        var image = (string?)_fake.Host.Calls[0].Json!["input"]!["start_image"];
        Assert.StartsWith("data:image/png;base64,", image);
        Assert.True(Convert.FromBase64String(image!["data:image/png;base64,".Length..]).Length > 100);
    }

    [Fact]
    public async Task A_configured_model_gets_its_own_input_names_and_a_pinned_version()
    {
        await using var harness = VendorTestHost.Create(ReplicateProvider.ProviderName, new Dictionary<string, string?>
        {
            ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
            ["ApiKey"] = FakeReplicateServer.Token,
            ["Model"] = "acme/motion",
            ["WaitSeconds"] = "0",
            ["PollInterval"] = "00:00:00.010",
            ["Models:acme/motion:Version"] = "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
            ["Models:acme/motion:Prompt"] = "text",
            ["Models:acme/motion:Seed"] = "",
            ["Models:acme/motion:Duration"] = "num_seconds",
            ["Models:acme/motion:FirstFrameImage"] = "image",
        });
        var previous = await harness.AddPreviousClipAsync();
        await harness.Provider(ReplicateProvider.ProviderName).GenerateAsync(ShotJobs.Job(seconds: 3, firstFrameClip: previous), new RecordedProgress(), Ct);

        var create = _fake.Host.Calls[0];
        Assert.Equal(("/v1/predictions", null), (create.Path, create.Prefer));
        Assert.Equal("5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa", (string?)create.Json!["version"]);
        var input = create.Json!["input"]!.AsObject();
        Assert.Equal(["text", "negative_prompt", "aspect_ratio", "num_seconds", "image"], input.Select(p => p.Key));
        Assert.Equal(3, (int?)input["num_seconds"]);
    }

    [Fact]
    public async Task A_rate_limited_create_is_retryable_after_the_vendors_delay()
    {
        _fake.Host.Create = CreateAnswer.RateLimited;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.RateLimited, true, TimeSpan.FromSeconds(3)), (error.Code, error.Retryable, error.RetryAfter));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task A_server_error_on_create_is_not_retried_because_the_prediction_may_exist()
    {
        _fake.Host.Create = CreateAnswer.ServerError;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Unavailable, false), (error.Code, error.Retryable));
        Assert.Single(_fake.Host.Calls);
    }

    [Fact]
    public async Task Server_errors_while_polling_are_tolerated()
    {
        _fake.Host.FailingPolls = 3;
        var clip = await Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct);
        Assert.True(_harness.Artifacts.Contains(clip.ArtifactHash));
        Assert.Equal(3 + 2 + 1, _fake.Host.Calls.Count(c => c.Path.StartsWith("/v1/predictions/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_nsfw_failure_is_a_content_rejection_that_is_never_retried()
    {
        _fake.Host.Ending = TaskEnding.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task An_input_flagged_at_create_is_a_content_rejection()
    {
        _fake.Host.Create = CreateAnswer.Unsafe;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Other_failures_are_retryable_vendor_failures()
    {
        _fake.Host.Ending = TaskEnding.Fail;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Failed, true), (error.Code, error.Retryable));
        Assert.Contains("CUDA out of memory", error.Message);
    }

    [Fact]
    public async Task Invalid_input_is_an_invalid_request()
    {
        _fake.Host.Create = CreateAnswer.BadRequest;
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.InvalidRequest, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_duration_longer_than_the_model_makes_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider.GenerateAsync(ShotJobs.Job(seconds: 12), new RecordedProgress(), Ct));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(_fake.Host.Calls);
    }

    [Fact]
    public async Task Canceling_the_shot_cancels_the_prediction_at_replicate()
    {
        _fake.Host.Ending = TaskEnding.Never;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var generation = Provider.GenerateAsync(ShotJobs.Job(), new RecordedProgress(), cts.Token);
        await Eventually.TrueAsync(() => _fake.Host.Calls.Count(c => c.Method == "GET") >= 2);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        var cancel = Assert.Single(_fake.Host.Calls, c => c.Path.EndsWith("/cancel", StringComparison.Ordinal));
        Assert.Equal(("POST", "Bearer r8_test_token"), (cancel.Method, cancel.Authorization));
    }

    [Fact]
    public async Task A_prediction_that_outlives_the_task_timeout_is_canceled_there_and_times_out()
    {
        await using var harness = Harness(timeout: "00:00:00.300");
        _fake.Host.Ending = TaskEnding.Never;
        var error = await Assert.ThrowsAsync<ProviderException>(() => harness.Provider(ReplicateProvider.ProviderName).GenerateAsync(ShotJobs.Job(), new RecordedProgress(), Ct));
        Assert.Equal((ProviderErrors.Timeout, true), (error.Code, error.Retryable));
        Assert.Single(_fake.Host.Calls, c => c.Method == "POST" && c.Path.EndsWith("/cancel", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_catalogues_default_model_veo_3_gets_its_first_frame_as_image_and_lengths_of_4_6_or_8()
    {
        await using var harness = VendorTestHost.Create(ReplicateProvider.ProviderName, new Dictionary<string, string?>
        {
            ["BaseUrl"] = _fake.Host.BaseUrl.ToString(),
            ["ApiKey"] = FakeReplicateServer.Token,
            ["WaitSeconds"] = "0",
            ["PollInterval"] = "00:00:00.010",
        });
        var previous = await harness.AddPreviousClipAsync();

        var clip = await harness.Provider(ReplicateProvider.ProviderName).GenerateAsync(ShotJobs.Job(seconds: 5, firstFrameClip: previous), new RecordedProgress(), Ct);

        var create = _fake.Host.Calls[0];
        Assert.Equal("/v1/models/google/veo-3/predictions", create.Path);
        var input = create.Json!["input"]!.AsObject();
        Assert.Equal(6, (int?)input["duration"]);
        Assert.StartsWith("data:image/png;base64,", (string?)input["image"]);
        Assert.False(input.ContainsKey("first_frame_image"));
        Assert.Equal(("google/veo-3", 6.0), (clip.Model, clip.DurationSeconds));
    }
}
