using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Runway;

using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Runway;

public sealed class RunwayProviderTests : VendorContractTests<FakeRunwayServer>
{
    protected override string Vendor => RunwayProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {FakeRunwayServer.ApiKey}");
    protected override bool HasCancel => true;
    protected override string CreatePath => "/v1/text_to_video";
    protected override (string Method, string Path) PollRoute => ("GET", "/v1/tasks/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var body = create.Json();
        return (body.GetProperty("model").GetString()!, body.GetProperty("duration").GetDouble());
    }

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path is "/v1/text_to_video" or "/v1/image_to_video";
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith("/v1/tasks/", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "DELETE" && r.Path.StartsWith("/v1/tasks/", StringComparison.Ordinal);
    protected override string ErrorBody(int status, string message) => $$"""{"error":"{{message}}"}""";

    [Fact]
    public async Task A_text_shot_goes_to_text_to_video_on_the_text_model_with_the_version_header()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/v1/text_to_video", create.Path);
        Assert.Equal(FakeRunwayServer.ApiVersion, create.Header("X-Runway-Version"));
        var body = create.Json();
        Assert.Equal("veo3.1_fast", body.GetProperty("model").GetString());
        Assert.Equal("1280:720", body.GetProperty("ratio").GetString());
        Assert.Equal(6, body.GetProperty("duration").GetInt32());
        Assert.StartsWith("ACTION: Mira", body.GetProperty("promptText").GetString());
        Assert.False(body.TryGetProperty("seed", out _));
        Assert.Equal(6, clip.DurationSeconds);
    }

    [Fact]
    public async Task A_continued_shot_goes_to_image_to_video_with_the_last_frame_as_a_data_uri_and_the_seed()
    {
        var previous = await Harness.AddPreviousClipAsync();

        var clip = await GenerateAsync(Shots.For(Vendor, aspectRatio: "1:1", width: 960, height: 960, duration: 8, firstFrameClip: previous));

        var body = Assert.Single(Fake.Requests, IsCreate).Json();
        Assert.Equal("gen4_turbo", body.GetProperty("model").GetString());
        Assert.Equal("960:960", body.GetProperty("ratio").GetString());
        // gen4_turbo makes every whole length from 2 to 10 s.
        Assert.Equal(8, body.GetProperty("duration").GetInt32());
        Assert.Equal(4242, body.GetProperty("seed").GetInt64());
        Assert.StartsWith("data:image/png;base64,", body.GetProperty("promptImage").GetString());
        Assert.Equal("gen4_turbo", clip.Model);
    }

    [Fact]
    public async Task A_prompt_longer_than_runway_takes_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, prompt: new string('a', 1001))));

        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }

    [Fact]
    public async Task Throttled_tasks_keep_waiting()
    {
        Fake.Script = [new FakeState.Queued(), new FakeState.Queued(), new FakeState.Running(0.5), new FakeState.Succeeded()];

        var clip = await GenerateAsync();

        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
    }

    [Theory]
    [InlineData("SAFETY.INPUT.IMAGE", ProviderErrors.ContentRejected, false)]
    [InlineData("INPUT_PREPROCESSING.SAFETY.TEXT", ProviderErrors.ContentRejected, false)]
    [InlineData("INTERNAL.BAD_OUTPUT.CODE01", ProviderErrors.Failed, true)]
    [InlineData("ASSET.INVALID", ProviderErrors.InvalidRequest, false)]
    public void Failure_codes_map_to_our_codes(string failureCode, string code, bool retryable)
    {
        var error = RunwayProvider.FromFailureCode(failureCode, "reason");

        Assert.Equal(code, error.Code);
        Assert.Equal(retryable, error.Retryable);
    }
}
