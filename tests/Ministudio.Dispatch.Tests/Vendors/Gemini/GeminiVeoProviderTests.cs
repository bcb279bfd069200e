using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Gemini;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

public sealed class GeminiVeoProviderTests : VendorContractTests<FakeGeminiServer>
{
    protected override string Vendor => GeminiVeoProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("x-goog-api-key", FakeGeminiServer.ApiKey);

    /// <summary>The Gemini API offers no cancel for Veo operations.</summary>
    protected override bool HasCancel => false;

    protected override string CreatePath => ":predictLongRunning";
    protected override (string Method, string Path) PollRoute => ("GET", "/operations/");

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith(":predictLongRunning", StringComparison.Ordinal);
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.Contains("/operations/", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/v1beta/files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Path.EndsWith(":cancel", StringComparison.Ordinal) || r.Method == "DELETE";
    protected override string ErrorBody(int status, string message) =>
        $$$"""{"error":{"code":{{{status}}},"message":"{{{message}}}","status":"FAILED_PRECONDITION"}}""";

    [Fact]
    public async Task The_request_names_the_model_and_carries_veo_fields_without_a_seed()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal($"/v1beta/models/{GeminiVeoProvider.DefaultModel}:predictLongRunning", create.Path);
        var body = create.Json();
        Assert.StartsWith("ACTION: Mira", body.GetProperty("instances")[0].GetProperty("prompt").GetString());
        var parameters = body.GetProperty("parameters");
        Assert.Equal("16:9", parameters.GetProperty("aspectRatio").GetString());
        Assert.Equal(6, parameters.GetProperty("durationSeconds").GetInt32());
        Assert.Equal("720p", parameters.GetProperty("resolution").GetString());
        Assert.Equal("blurry, text", parameters.GetProperty("negativePrompt").GetString());
        Assert.Equal(1, parameters.GetProperty("sampleCount").GetInt32());
        Assert.Equal(6, clip.DurationSeconds);
        var download = Assert.Single(Fake.Requests, IsDownload);
        Assert.Equal(FakeGeminiServer.ApiKey, download.Header("x-goog-api-key"));
        Assert.Equal("?alt=media", download.Query);
    }

    [Fact]
    public async Task A_first_frame_is_sent_inline_as_the_instance_image()
    {
        var previous = await Harness.AddPreviousClipAsync();

        await GenerateAsync(Shots.For(Vendor, firstFrameClip: previous));

        var image = Assert.Single(Fake.Requests, IsCreate).Json().GetProperty("instances")[0].GetProperty("image");
        Assert.Equal("image/png", image.GetProperty("mimeType").GetString());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(image.GetProperty("bytesBase64Encoded").GetString()!)[..4]);
    }

    [Fact]
    public async Task A_wrong_api_key_is_unauthorized_not_invalid_request()
    {
        var settings = VendorHarness.VendorSettings(Vendor, Fake.BaseUrl, apiKey: "wrong-key");
        await using var harness = VendorHarness.Create(settings);

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal(ProviderErrors.Unauthorized, error.Code);
        Assert.False(error.Retryable);
    }
}
