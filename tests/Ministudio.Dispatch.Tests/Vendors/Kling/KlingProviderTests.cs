using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Kling;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Kling;

/// <summary>The Kling adapter against a faithful fake of Kling's API that checks every JWT.</summary>
public sealed class KlingProviderTests : VendorContractTests<FakeKlingServer>
{
    protected override string Vendor => KlingProvider.ProviderName;

    // Every call carries a fresh HS256 token the fake verifies (signature, issuer, nbf, exp); it answers 401 otherwise.
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", "Bearer <JWT signed with the secret key>");
    protected override bool IsAuthorized(RecordedRequest r) => r.Header("Authorization")?.StartsWith("Bearer ", StringComparison.Ordinal) == true && r.Status != 401;

    protected override bool HasCancel => false;
    protected override string CreatePath => "/v1/videos/";
    protected override (string Method, string Path) PollRoute => ("GET", "/v1/videos/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var body = create.Json();
        return (body.GetProperty("model_name").GetString()!, double.Parse(body.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path.StartsWith("/v1/videos/", StringComparison.Ordinal);
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith("/v1/videos/", StringComparison.Ordinal);
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => false;

    protected override string ErrorBody(int status, string message) =>
        FakeKlingServer.Error(status switch { 429 => 1302, 400 => 1201, 503 => 5001, _ => 5000 }, message);

    protected override Dictionary<string, string?> Settings(Uri baseUrl)
    {
        var settings = base.Settings(baseUrl);
        settings[$"Dispatch:Vendors:{Vendor}:SecretKey"] = FakeKlingServer.SecretKey;
        settings[$"Dispatch:Vendors:{Vendor}:Mode"] = "pro";
        return settings;
    }

    /// <summary>A tenant stores its Kling key pair as one secret, "accessKey:secretKey".</summary>
    protected override string TenantSecretOf(Dictionary<string, string?> settings) =>
        $"{settings[$"Dispatch:Vendors:{Vendor}:ApiKey"]}:{settings[$"Dispatch:Vendors:{Vendor}:SecretKey"]}";

    [Fact]
    public async Task A_text_to_video_task_carries_kling_fields_and_a_token_with_klings_claims()
    {
        await GenerateAsync(Shots.For(Vendor, duration: 8));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/v1/videos/text2video", create.Path);
        var body = create.Node()!;
        Assert.Equal(("kling-v2-1", "pro", "10", "16:9"), ((string?)body["model_name"], (string?)body["mode"], (string?)body["duration"], (string?)body["aspect_ratio"]));
        Assert.Equal(Shots.For(Vendor).Request.Prompt, (string?)body["prompt"]);
        Assert.Equal("blurry, text", (string?)body["negative_prompt"]);
        // Kling documents cfg_scale as unsupported on v2.x models: it is not sent to them.
        Assert.Null(body["cfg_scale"]);
        Assert.Null(body["image"]);

        var claims = Fake.LastClaims!;
        Assert.Equal(FakeKlingServer.AccessKey, (string?)claims["iss"]);
        Assert.InRange((long)claims["exp"]! - (long)claims["nbf"]!, 1800, 1810);
        Assert.All(Fake.Requests.Where(IsPoll), poll => Assert.StartsWith("/v1/videos/text2video/", poll.Path));
    }

    [Fact]
    public async Task A_continuing_shot_is_image_to_video_with_its_first_frame_as_bare_base64()
    {
        var previous = await Harness.AddPreviousClipAsync();
        await GenerateAsync(Shots.For(Vendor, firstFrameClip: previous));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/v1/videos/image2video", create.Path);
        Assert.Equal([0x89, 0x50, 0x4E, 0x47], Convert.FromBase64String((string)create.Node()!["image"]!)[..4]);
        Assert.Null(create.Node()!["aspect_ratio"]);
        Assert.All(Fake.Requests.Where(IsPoll), poll => Assert.StartsWith("/v1/videos/image2video/", poll.Path));
    }

    [Fact]
    public async Task A_shot_with_reference_images_is_multi_image_to_video_with_at_most_four()
    {
        var references = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var path = Path.Combine(Harness.Artifacts.CreateScratchFolder(), "reference.png");
            await File.WriteAllBytesAsync(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, (byte)i], TestContext.Current.CancellationToken);
            references.Add(await Harness.Artifacts.AddFileAsync(path, TestContext.Current.CancellationToken));
        }
        await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 720, height: 1280, references: references));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal("/v1/videos/multi-image2video", create.Path);
        Assert.Equal(("kling-v1-6", "9:16"), ((string?)create.Node()!["model_name"], (string?)create.Node()!["aspect_ratio"]));
        var images = create.Node()!["image_list"]!.AsArray().Select(i => Convert.FromBase64String((string)i!["image"]!)[^1]).ToList();
        Assert.Equal([0, 1, 2, 3], images);
    }

    [Fact]
    public async Task A_token_signed_with_the_wrong_secret_is_refused_as_unauthorized()
    {
        await using var harness = HarnessWith(("SecretKey", "not-the-secret"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.Unauthorized, false), (error.Code, error.Retryable));
        Assert.Contains("1002", error.Message);
    }

    [Fact]
    public async Task An_exhausted_resource_pack_is_quota_exceeded_not_a_rate_limit()
    {
        Fake.Inject("POST", CreatePath, 429, FakeKlingServer.Error(1102, "Resource pack depleted or expired"));
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());
        Assert.Equal((ProviderErrors.QuotaExceeded, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task The_content_security_code_at_create_is_a_content_rejection()
    {
        Fake.Inject("POST", CreatePath, 400, FakeKlingServer.Error(1301, "Trigger the content security policy of the platform"));
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());
        Assert.Equal((ProviderErrors.ContentRejected, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task An_aspect_ratio_kling_does_not_make_fails_before_any_call()
    {
        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, aspectRatio: "21:9", width: 1680, height: 720)));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }

    [Theory]
    [InlineData("text2video", """{"model_name":"kling-v2-1","prompt":"p","duration":"8"}""")]
    [InlineData("text2video", """{"model_name":"kling-v2-1","prompt":"p","duration":5}""")]
    [InlineData("text2video", """{"model_name":"kling-v2-1","prompt":"p","duration":"5","cfg_scale":0.5}""")]
    [InlineData("text2video", """{"model_name":"kling-v2-1","prompt":"p","duration":"5","aspect_ratio":"4:3"}""")]
    [InlineData("image2video", """{"model_name":"kling-v2-1","duration":"5","image":"data:image/png;base64,aGk="}""")]
    [InlineData("multi-image2video", """{"model_name":"kling-v2-1","prompt":"p","duration":"5","image_list":[{"image":"aGk="}]}""")]
    public void The_fake_refuses_what_kling_refuses(string kind, string body) =>
        Assert.NotNull(FakeKlingServer.Violation(kind, System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject()));
}
