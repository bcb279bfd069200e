using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Luma;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Luma;

public sealed class LumaProviderTests : VendorContractTests<FakeLumaServer>
{
    private const string PublicBase = "https://studio.ministudio.example";

    protected override string Vendor => LumaProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {FakeLumaServer.ApiKey}");
    protected override bool HasCancel => true;
    protected override string CreatePath => "/dream-machine/v1/generations/video";
    protected override (string Method, string Path) PollRoute => ("GET", "/dream-machine/v1/generations/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var body = create.Json();
        return (body.GetProperty("model").GetString()!, double.Parse(body.GetProperty("duration").GetString()!.TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path == "/dream-machine/v1/generations/video";
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith("/dream-machine/v1/generations/", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "DELETE" && r.Path.StartsWith("/dream-machine/v1/generations/", StringComparison.Ordinal);
    protected override string ErrorBody(int status, string message) => $$"""{"detail":"{{message}}"}""";

    protected override Dictionary<string, string?> Settings(Uri baseUrl)
    {
        var settings = base.Settings(baseUrl);
        settings[PublicUrlOptions.BaseUrlKey] = PublicBase;
        settings[TrustedCalls.Setting] = TrustedCalls.SigningKey; // signed URLs are keyed from the services' trust key
        settings["Dispatch:Vendors:luma:CallbackUrl"] = "https://hooks.ministudio.example/luma";
        return settings;
    }

    [Fact]
    public async Task The_request_carries_model_ratio_resolution_snapped_duration_and_callback()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 1080, height: 1920, duration: 8));

        var body = Assert.Single(Fake.Requests, IsCreate).Json();
        Assert.Equal("ray-2", body.GetProperty("model").GetString());
        Assert.Equal("9:16", body.GetProperty("aspect_ratio").GetString());
        Assert.Equal("1080p", body.GetProperty("resolution").GetString());
        Assert.Equal("9s", body.GetProperty("duration").GetString());
        Assert.False(body.GetProperty("loop").GetBoolean());
        Assert.Equal("https://hooks.ministudio.example/luma", body.GetProperty("callback_url").GetString());
        Assert.False(body.TryGetProperty("keyframes", out _));
        Assert.Equal(9, clip.DurationSeconds);
    }

    [Fact]
    public async Task A_first_frame_is_stored_and_named_by_a_signed_expiring_url_through_the_gateway()
    {
        var previous = await Harness.AddPreviousClipAsync();

        await GenerateAsync(Shots.For(Vendor, firstFrameClip: previous));

        var frame0 = Assert.Single(Fake.Requests, IsCreate).Json().GetProperty("keyframes").GetProperty("frame0");
        Assert.Equal("image", frame0.GetProperty("type").GetString());
        var url = frame0.GetProperty("url").GetString()!;
        var uri = new Uri(url);
        Assert.StartsWith($"{PublicBase}{ArtifactUrls.RoutePrefix}/", url);
        var hash = uri.AbsolutePath[(ArtifactUrls.RoutePrefix.Length + 1)..];
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        Assert.Equal("image/png", query["type"]);
        Assert.Equal(ArtifactUrls.Check.Valid, Harness.Urls.Verify(hash, query["type"], query["expires"], query["signature"]));
        Assert.Equal(ArtifactUrls.Check.Invalid, Harness.Urls.Verify(hash, "text/html", query["expires"], query["signature"]));
        Assert.True(Harness.Artifacts.Contains(hash));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Harness.Read(hash)[..4]);
    }

    [Fact]
    public async Task Image_to_video_without_a_public_artifact_url_fails_clearly_before_any_call()
    {
        var settings = base.Settings(Fake.BaseUrl);
        await using var harness = VendorHarness.Create(settings);
        var previous = await harness.AddPreviousClipAsync();

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, firstFrameClip: previous), harness: harness));

        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Contains(PublicUrlOptions.BaseUrlKey, error.Message);
        Assert.Empty(Fake.Requests);
    }

    [Fact]
    public async Task An_aspect_ratio_luma_does_not_make_is_invalid_request()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, aspectRatio: "2:1")));

        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }
}
