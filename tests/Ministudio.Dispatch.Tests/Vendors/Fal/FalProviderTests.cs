using Ministudio.Dispatch.Providers.Vendors.Fal;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Fal;

/// <summary>The fal adapter against a faithful fake of fal's queue API.</summary>
public sealed class FalProviderTests : VendorContractTests<FakeFalServer>
{
    private const string KlingText = "fal-ai/kling-video/v2.1/standard/text-to-video";
    private const string KlingImage = "fal-ai/kling-video/v2.1/standard/image-to-video";

    protected override string Vendor => FalProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Key {FakeFalServer.Key}");
    protected override bool HasCancel => true;
    protected override string CreatePath => "/fal-ai/";
    protected override (string Method, string Path) PollRoute => ("GET", "/status");

    protected override (string Model, double Seconds) Sent(RecordedRequest create) =>
        (create.Path.TrimStart('/'), double.Parse(create.Json().GetProperty("duration").GetString()!.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST";
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.EndsWith("/status", StringComparison.Ordinal);
    protected override bool IsResolve(RecordedRequest r) => r.Method == "GET" && r.Path.Contains("/requests/", StringComparison.Ordinal) && !IsPoll(r);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "PUT" && r.Path.EndsWith("/cancel", StringComparison.Ordinal);
    protected override string ErrorBody(int status, string message) =>
        status == 400 ? FakeFalServer.ValidationError("duration", message, "value_error") : $$"""{"detail":"{{message}}"}""";

    /// <summary>fal configured with Kling's endpoints (not in the catalogue: their lengths come from the options).</summary>
    private VendorHarness KlingHarness() => HarnessWith(("Model", KlingText), ("ImageToVideoModel", KlingImage));

    [Fact]
    public async Task The_catalogues_default_endpoint_veo3_gets_its_fields_and_lengths_as_4s_6s_or_8s()
    {
        var progress = new RecordingProgress();
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5), progress);

        var submit = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/fal-ai/veo3", submit.Path);
        var body = submit.Node()!;
        Assert.Equal(("6s", "16:9", "blurry, text", 4242L), ((string?)body["duration"], (string?)body["aspect_ratio"], (string?)body["negative_prompt"], (long?)body["seed"]));
        Assert.Null(body["image_url"]);
        Assert.All(Fake.Requests.Where(IsPoll), poll => Assert.Equal("?logs=1", poll.Query));
        Assert.Contains(progress.Reports, p => p.Stage.StartsWith("queued", StringComparison.Ordinal));
        Assert.Contains(progress.Reports, p => p.Stage == "generating" && Math.Abs(p.Fraction - 0.8) < 0.01);
        Assert.Equal(("fal-ai/veo3", 6.0), (clip.Model, clip.DurationSeconds));
    }

    [Fact]
    public async Task Status_and_result_are_read_at_the_app_id_urls_fal_returned()
    {
        await using var harness = KlingHarness();
        await GenerateAsync(Shots.For(Vendor, duration: 3), harness: harness);

        var submit = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal(($"/{KlingText}", "5"), (submit.Path, (string?)submit.Node()!["duration"]));
        Assert.All(Fake.Requests.Where(r => r.Path.Contains("/requests/", StringComparison.Ordinal)),
            call => Assert.StartsWith("/fal-ai/kling-video/requests/", call.Path));
    }

    [Fact]
    public async Task Without_urls_in_the_answer_the_client_builds_them_from_the_endpoint()
    {
        Fake.OmitUrls = true;
        await using var harness = KlingHarness();
        await GenerateAsync(Shots.For(Vendor, duration: 3), harness: harness);
        Assert.All(Fake.Requests.Where(c => c.Path.Contains("/requests/", StringComparison.Ordinal)),
            call => Assert.StartsWith($"/{KlingText}/requests/", call.Path));
    }

    [Fact]
    public async Task A_continuing_shot_goes_to_the_image_to_video_endpoint_with_its_first_frame()
    {
        await using var harness = KlingHarness();
        var previous = await harness.AddPreviousClipAsync();
        await GenerateAsync(Shots.For(Vendor, duration: 5, firstFrameClip: previous), harness: harness);

        var submit = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal($"/{KlingImage}", submit.Path);
        Assert.StartsWith("data:image/png;base64,", (string?)submit.Node()!["image_url"]);
    }

    [Fact]
    public async Task A_content_policy_violation_at_submit_is_a_content_rejection()
    {
        Fake.Inject("POST", CreatePath, 422, FakeFalServer.ValidationError("prompt", "flagged by a content checker", "content_policy_violation"));
        var error = await Assert.ThrowsAsync<Providers.ProviderException>(() => GenerateAsync());
        Assert.Equal((Providers.Vendors.ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Theory]
    [InlineData("fal-ai/veo3", """{"prompt":"p","duration":"5"}""")]
    [InlineData("fal-ai/veo3", """{"prompt":"p","duration":"8s","aspect_ratio":"1:1"}""")]
    [InlineData("fal-ai/veo3", """{"prompt":"p","image_url":"https://x/a.png"}""")]
    [InlineData("fal-ai/veo3", """{"duration":"8s"}""")]
    [InlineData(KlingText, """{"prompt":"p","duration":"6s"}""")]
    [InlineData(KlingImage, """{"prompt":"p","duration":"5"}""")]
    public void The_fake_refuses_what_fal_refuses(string endpoint, string body) =>
        Assert.NotNull(FakeFalServer.Violation(endpoint, System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject()));
}
