using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Gemini;
using Ministudio.Dispatch.Tests.Vendors.Veo;

using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

public sealed class GeminiProviderTests : VendorContractTests<FakeGeminiServer>
{
    protected override string Vendor => GeminiProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("x-goog-api-key", FakeGeminiServer.ApiKey);

    /// <summary>The Gemini API offers no cancel for Veo operations.</summary>
    protected override bool HasCancel => false;

    protected override string CreatePath => ":predictLongRunning";
    protected override (string Method, string Path) PollRoute => ("GET", "/operations/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create) => VeoRules.Sent(create);

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith(":predictLongRunning", StringComparison.Ordinal);
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.Contains("/operations/", StringComparison.Ordinal);
    protected override string DownloadPath => "/v1beta/files/";
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/v1beta/files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Path.EndsWith(":cancel", StringComparison.Ordinal) || r.Method == "DELETE";
    /// <summary>
    /// Every Veo model the catalogue lists for the Gemini API is retired (issue 20), so these tests add one the way a
    /// deployment would when Google names its successor: a <c>Dispatch:Catalogue:gemini</c> entry with Veo 3.1's rules.
    /// </summary>
    private const string Model = "veo-ga-test";

    protected override Dictionary<string, string?> Settings(Uri baseUrl) => GeminiSettings(baseUrl, FakeGeminiServer.ApiKey);

    private static Dictionary<string, string?> GeminiSettings(Uri baseUrl, string apiKey)
    {
        var settings = VendorHarness.VendorSettings(GeminiProvider.ProviderName, baseUrl, apiKey);
        const string Entry = "Dispatch:Catalogue:gemini";
        settings[$"{Entry}:DefaultModel"] = Model;
        settings[$"{Entry}:FirstFrameExcludesReferences"] = "true";
        string[] durations = ["4", "6", "8"];
        for (var i = 0; i < durations.Length; i++) settings[$"{Entry}:Models:{Model}:Durations:{i}"] = durations[i];
        settings[$"{Entry}:Models:{Model}:DurationsWithReferences:0"] = "8";
        settings[$"{Entry}:Models:{Model}:DurationsAbove720p:0"] = "8";
        settings[$"{Entry}:Models:{Model}:AspectRatios:0"] = "16:9";
        settings[$"{Entry}:Models:{Model}:AspectRatios:1"] = "9:16";
        settings[$"{Entry}:Models:{Model}:ReferenceAspectRatios:0"] = "16:9";
        settings[$"{Entry}:Models:{Model}:MaxReferenceImages"] = "3";
        settings[$"{Entry}:Models:{Model}:FirstFrame"] = "true";
        return settings;
    }

    [Fact]
    public async Task A_retired_model_is_never_called()
    {
        await using var harness = VendorHarness.Create(VendorHarness.VendorSettings(Vendor, Fake.BaseUrl, FakeGeminiServer.ApiKey));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.Retired, false), (error.Code, error.Retryable));
        Assert.Empty(Fake.Requests);
    }

    protected override string ErrorBody(int status, string message) =>
        $$$"""{"error":{"code":{{{status}}},"message":"{{{message}}}","status":"FAILED_PRECONDITION"}}""";

    [Fact]
    public async Task The_request_names_the_model_and_carries_veo_fields_without_a_seed()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal($"/v1beta/models/{Model}:predictLongRunning", create.Path);
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
        await using var harness = VendorHarness.Create(GeminiSettings(Fake.BaseUrl, "wrong-key"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal(ProviderErrors.Unauthorized, error.Code);
        Assert.False(error.Retryable);
    }
}
