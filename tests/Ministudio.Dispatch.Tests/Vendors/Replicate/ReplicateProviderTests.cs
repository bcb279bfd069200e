using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Replicate;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Replicate;

/// <summary>The Replicate adapter against a faithful fake of Replicate's predictions API.</summary>
public sealed class ReplicateProviderTests : VendorContractTests<FakeReplicateServer>
{
    protected override string Vendor => ReplicateProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {FakeReplicateServer.Token}");
    protected override bool HasCancel => true;
    protected override string CreatePath => "/predictions";
    protected override (string Method, string Path) PollRoute => ("GET", "/v1/predictions/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create) =>
        (create.Path["/v1/models/".Length..^"/predictions".Length], create.Json().GetProperty("input").GetProperty("duration").GetInt32());

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith("/predictions", StringComparison.Ordinal);
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith("/v1/predictions/", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith("/cancel", StringComparison.Ordinal);
    protected override string ErrorBody(int status, string message) => FakeReplicateServer.Problem(status, "Error", message);

    [Fact]
    public async Task A_prediction_carries_the_models_inputs_waits_and_reports_progress_from_the_logs()
    {
        var progress = new RecordingProgress();
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5), progress);

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal(("/v1/models/google/veo-3/predictions", "wait=5"), (create.Path, create.Header("Prefer")));
        var input = create.Node()!["input"]!;
        Assert.Equal(Shots.For(Vendor).Request.Prompt, (string?)input["prompt"]);
        Assert.Equal(("blurry, text", 4242L, "16:9", 6), ((string?)input["negative_prompt"], (long?)input["seed"], (string?)input["aspect_ratio"], (int?)input["duration"]));
        Assert.Null(input["image"]);
        Assert.Contains(progress.Reports, p => p.Fraction is > 0.5 and < 0.95 && p.Stage == "processing");
        Assert.Equal(("google/veo-3", 6.0), (clip.Model, clip.DurationSeconds));
    }

    [Fact]
    public async Task A_quick_model_answers_within_the_wait_and_is_never_polled()
    {
        Fake.FinishesWithinWait = true;
        await GenerateAsync();
        Assert.Equal(["POST /v1/models/google/veo-3/predictions", "GET"], Fake.Requests.Select(r => r.Method == "GET" ? "GET" : $"{r.Method} {r.Path}"));
        Assert.True(IsDownload(Fake.Requests[1]));
    }

    [Fact]
    public async Task Veo_3_gets_its_first_frame_as_image()
    {
        var previous = await Harness.AddPreviousClipAsync();
        await GenerateAsync(Shots.For(Vendor, duration: 5, firstFrameClip: previous));

        var input = Assert.Single(Fake.Requests, IsCreate).Node()!["input"]!.AsObject();
        Assert.StartsWith("data:image/png;base64,", (string?)input["image"]);
        Assert.False(input.ContainsKey("first_frame_image"));
    }

    [Fact]
    public async Task Kling_on_replicate_gets_its_first_frame_as_start_image_and_lengths_of_5_or_10()
    {
        await using var harness = HarnessWith(("Model", "kwaivgi/kling-v2.1"));
        var previous = await harness.AddPreviousClipAsync();
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 4.5, firstFrameClip: previous), harness: harness);

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/v1/models/kwaivgi/kling-v2.1/predictions", create.Path);
        var input = create.Node()!["input"]!;
        Assert.Equal(5, (int?)input["duration"]);
        Assert.StartsWith("data:image/png;base64,", (string?)input["start_image"]);
        Assert.Equal(("kwaivgi/kling-v2.1", 5.0), (clip.Model, clip.DurationSeconds));
    }

    [Fact]
    public async Task A_configured_model_gets_its_own_input_names_and_a_pinned_version()
    {
        await using var harness = HarnessWith(
            ("Model", "acme/motion"),
            ("WaitSeconds", "0"),
            ("Models:acme/motion:Version", "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"),
            ("Models:acme/motion:Prompt", "text"),
            ("Models:acme/motion:Seed", ""),
            ("Models:acme/motion:Duration", "num_seconds"),
            ("Models:acme/motion:FirstFrameImage", "image"));
        var previous = await harness.AddPreviousClipAsync();
        await GenerateAsync(Shots.For(Vendor, duration: 3, firstFrameClip: previous), harness: harness);

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal(("/v1/predictions", null), (create.Path, create.Header("Prefer")));
        Assert.Equal("5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa", (string?)create.Node()!["version"]);
        var input = create.Node()!["input"]!.AsObject();
        Assert.Equal(["text", "negative_prompt", "aspect_ratio", "num_seconds", "image"], input.Select(p => p.Key));
        Assert.Equal(3, (int?)input["num_seconds"]);
    }

    [Fact]
    public async Task An_input_flagged_at_create_is_a_content_rejection()
    {
        Fake.Inject("POST", CreatePath, 422, FakeReplicateServer.Problem(422, "Input validation failed", "The input was flagged as sensitive (E005). Please try a different prompt."));
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task Invalid_input_is_an_invalid_request()
    {
        Fake.Inject("POST", CreatePath, 422, FakeReplicateServer.Problem(422, "Input validation failed", "- input.duration: duration must be one of the following: 4, 6, 8"));
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());
        Assert.Equal((ProviderErrors.InvalidRequest, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_duration_longer_than_the_model_makes_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, duration: 12)));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }

    [Theory]
    [InlineData("google/veo-3", """{"prompt":"p","duration":5}""")]
    [InlineData("google/veo-3", """{"prompt":"p","first_frame_image":"https://x/a.png"}""")]
    [InlineData("google/veo-3", """{"prompt":"p","aspect_ratio":"1:1"}""")]
    [InlineData("kwaivgi/kling-v2.1", """{"prompt":"p","duration":6}""")]
    [InlineData("minimax/video-01", """{"prompt":"p","duration":6}""")]
    [InlineData("google/veo-3", """{"duration":8}""")]
    public void The_fake_refuses_what_replicate_refuses(string model, string input) =>
        Assert.NotNull(FakeReplicateServer.Violation(model, System.Text.Json.Nodes.JsonNode.Parse(input)!.AsObject()));
}
