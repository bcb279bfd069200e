using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Sora;

namespace Ministudio.Dispatch.Tests.Vendors.Sora;

public sealed class SoraProviderTests : VendorContractTests<FakeSoraServer>
{
    protected override string Vendor => SoraProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {FakeSoraServer.ApiKey}");

    /// <summary>OpenAI's videos API has no cancel: DELETE only removes finished videos.</summary>
    protected override bool HasCancel => false;

    protected override string CreatePath => "/v1/videos";
    protected override (string Method, string Path) PollRoute => ("GET", "/v1/videos/video_");

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path == "/v1/videos";
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith("/v1/videos/", StringComparison.Ordinal) && !r.Path.EndsWith("/content", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Method == "GET" && r.Path.EndsWith("/content", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "DELETE";
    protected override string ErrorBody(int status, string message) =>
        $$$"""{"error":{"message":"{{{message}}}","type":"invalid_request_error","param":null,"code":null}}""";

    [Fact]
    public async Task The_multipart_create_carries_model_prompt_snapped_seconds_and_size()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 10));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.StartsWith("multipart/form-data", create.ContentType);
        var text = create.Text();
        Assert.Contains("name=model", text);
        Assert.Contains("sora-2", text);
        Assert.Contains("ACTION: Mira walks", text);
        Assert.Contains("1280x720", text);
        Assert.Contains("name=seconds\r\n\r\n12\r\n", text.Replace("Content-Type: text/plain; charset=utf-8\r\n", ""));
        Assert.DoesNotContain("input_reference", text);
        Assert.Equal(12, clip.DurationSeconds);
        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
    }

    [Fact]
    public async Task A_first_frame_is_sent_as_input_reference_fitted_to_the_video_size()
    {
        var previous = await Harness.AddPreviousClipAsync();

        // The fake refuses an input_reference whose size differs from the video's, as OpenAI does.
        var clip = await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 720, height: 1280, firstFrameClip: previous));

        var text = Assert.Single(Fake.Requests, IsCreate).Text();
        Assert.Contains("name=input_reference; filename=first-frame.png", text);
        Assert.Contains("720x1280", text);
        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
    }

    [Fact]
    public async Task A_moderation_refusal_on_create_is_content_rejected()
    {
        Fake.Inject("POST", CreatePath, 400,
            """{"error":{"message":"Your request was blocked by our moderation system.","type":"invalid_request_error","param":null,"code":"moderation_blocked"}}""");

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal(ProviderErrors.ContentRejected, error.Code);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task A_square_shot_is_invalid_request_because_sora_makes_only_wide_and_tall_videos()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, aspectRatio: "1:1", width: 960, height: 960)));

        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }
}
