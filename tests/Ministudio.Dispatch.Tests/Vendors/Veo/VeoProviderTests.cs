using System.Security.Cryptography;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Veo;

using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Veo;

public sealed class VeoProviderTests : VendorContractTests<FakeVertexServer>
{
    private static readonly string DefaultModel = Contracts.Vendors.VendorCatalogue.Shipped.Vendors["veo"].DefaultModel;
    private static readonly string ModelPath = $"/v1/projects/film-project/locations/us-central1/publishers/google/models/{DefaultModel}";

    protected override string Vendor => VeoProvider.ProviderName;

    /// <summary>The access token the fake's token endpoint issued for the signed assertion.</summary>
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {Assert.Single(Fake.IssuedTokens)}");

    /// <summary>Veo operations have no documented cancel call.</summary>
    protected override bool HasCancel => false;

    protected override string CreatePath => ":predictLongRunning";
    protected override (string Method, string Path) PollRoute => ("POST", ":fetchPredictOperation");

    protected override (string Model, double Seconds) Sent(RecordedRequest create) => VeoRules.Sent(create);

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith(":predictLongRunning", StringComparison.Ordinal);
    protected override bool IsPoll(RecordedRequest r) => r.Method == "POST" && r.Path.EndsWith(":fetchPredictOperation", StringComparison.Ordinal);
    protected override string DownloadPath => "/storage/v1/b/";
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/storage/v1/b/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Path.EndsWith(":cancel", StringComparison.Ordinal) || r.Method == "DELETE";
    protected override string ErrorBody(int status, string message) =>
        $$$"""{"error":{"code":{{{status}}},"message":"{{{message}}}","status":"INVALID_ARGUMENT"}}""";

    protected override Dictionary<string, string?> Settings(Uri baseUrl) => VeoSettings(baseUrl, Fake.ServiceAccountJson(), storage: true);

    /// <summary>A tenant stores its service-account key file as its secret.</summary>
    protected override string TenantSecretOf(Dictionary<string, string?> settings) => settings["Dispatch:Vendors:veo:ServiceAccountJson"]!;

    private static Dictionary<string, string?> VeoSettings(Uri baseUrl, string serviceAccount, bool storage)
    {
        var settings = VendorHarness.VendorSettings(VeoProvider.ProviderName, baseUrl, apiKey: null);
        settings["Dispatch:Vendors:veo:ServiceAccountJson"] = serviceAccount;
        settings["Dispatch:Vendors:veo:StorageBaseUrl"] = baseUrl.ToString();
        if (storage) settings["Dispatch:Vendors:veo:StorageUri"] = "gs://ministudio-veo/clips";
        return settings;
    }

    [Fact]
    public async Task The_request_goes_to_the_projects_publisher_model_with_every_veo_field()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 1080, height: 1920, duration: 7.5));

        var create = Assert.Single(Fake.Requests, IsCreate);
        Assert.Equal($"{ModelPath}:predictLongRunning", create.Path);
        var body = create.Json();
        Assert.StartsWith("ACTION: Mira", body.GetProperty("instances")[0].GetProperty("prompt").GetString());
        var parameters = body.GetProperty("parameters");
        Assert.Equal("9:16", parameters.GetProperty("aspectRatio").GetString());
        Assert.Equal(8, parameters.GetProperty("durationSeconds").GetInt32());
        Assert.Equal("1080p", parameters.GetProperty("resolution").GetString());
        Assert.Equal(4242, parameters.GetProperty("seed").GetInt64());
        Assert.Equal("blurry, text", parameters.GetProperty("negativePrompt").GetString());
        Assert.Equal(1, parameters.GetProperty("sampleCount").GetInt32());
        Assert.Equal("gs://ministudio-veo/clips", parameters.GetProperty("storageUri").GetString());
        Assert.False(parameters.GetProperty("generateAudio").GetBoolean());
        var poll = Fake.Requests.First(IsPoll);
        Assert.Equal($"{ModelPath}:fetchPredictOperation", poll.Path);
        Assert.EndsWith("/operations/" + poll.Json().GetProperty("operationName").GetString()!.Split('/')[^1], poll.Json().GetProperty("operationName").GetString());
        Assert.Equal(8, clip.DurationSeconds);
        Assert.Equal(DefaultModel, clip.Model);
    }

    [Fact]
    public async Task One_access_token_from_a_signed_assertion_serves_every_shot_until_it_nears_expiry()
    {
        await GenerateAsync();
        await GenerateAsync();

        Assert.Single(Fake.Requests, r => r.Path == "/token");
        Assert.Single(Fake.IssuedTokens);
        Assert.All(Fake.Requests.Where(r => IsCreate(r) || IsPoll(r) || IsDownload(r)), r => Assert.Equal($"Bearer {Fake.IssuedTokens[0]}", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_service_account_key_google_does_not_know_is_unauthorized_before_any_generation()
    {
        using var stranger = RSA.Create(2048);
        await using var harness = VendorHarness.Create(VeoSettings(Fake.BaseUrl, Fake.ServiceAccountJson(stranger), storage: true));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal(ProviderErrors.Unauthorized, error.Code);
        Assert.False(error.Retryable);
        Assert.DoesNotContain(Fake.Requests, IsCreate);
    }

    [Fact]
    public async Task Without_a_storage_uri_the_video_comes_inline_and_is_stored()
    {
        await using var harness = VendorHarness.Create(VeoSettings(Fake.BaseUrl, Fake.ServiceAccountJson(), storage: false));

        var clip = await GenerateAsync(harness: harness);

        Assert.Equal(Fake.Video, harness.Read(clip.ArtifactHash));
        Assert.DoesNotContain(Fake.Requests, IsDownload);
    }

    [Fact]
    public async Task A_first_frame_is_the_instance_image_and_references_are_asset_images()
    {
        var previous = await Harness.AddPreviousClipAsync();
        var reference = await Harness.AddReferenceImageAsync();

        await GenerateAsync(Shots.For(Vendor, firstFrameClip: previous));
        await GenerateAsync(Shots.For(Vendor, references: [reference, reference]));

        var creates = Fake.Requests.Where(IsCreate).Select(r => r.Json().GetProperty("instances")[0]).ToList();
        var image = creates[0].GetProperty("image");
        Assert.Equal("image/png", image.GetProperty("mimeType").GetString());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(image.GetProperty("bytesBase64Encoded").GetString()!)[..4]);
        var references = creates[1].GetProperty("referenceImages");
        Assert.Equal(2, references.GetArrayLength());
        Assert.All(references.EnumerateArray(), r => Assert.Equal("asset", r.GetProperty("referenceType").GetString()));
        Assert.Equal(await TestMedia.ImageAsync(), Convert.FromBase64String(references[0].GetProperty("image").GetProperty("bytesBase64Encoded").GetString()!));
    }

    [Fact]
    public async Task A_first_frame_with_reference_images_or_a_square_shot_is_invalid_request_before_any_call()
    {
        var previous = await Harness.AddPreviousClipAsync();
        var reference = await Harness.AddReferenceImageAsync();

        var both = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, firstFrameClip: previous, references: [reference])));
        var square = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(Shots.For(Vendor, aspectRatio: "1:1", width: 960, height: 960)));

        Assert.Equal(ProviderErrors.InvalidRequest, both.Code);
        Assert.Equal(ProviderErrors.InvalidRequest, square.Code);
        Assert.DoesNotContain(Fake.Requests, IsCreate);
    }
}
