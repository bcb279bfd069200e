using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.MiniMax;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.MiniMax;

/// <summary>The MiniMax adapter against a faithful fake of MiniMax's video API (errors in base_resp, HTTP 200).</summary>
public sealed class MiniMaxProviderTests : VendorContractTests<FakeMiniMaxServer>
{
    protected override string Vendor => MiniMaxProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("Authorization", $"Bearer {FakeMiniMaxServer.ApiKey}");
    protected override bool HasCancel => false;
    protected override string CreatePath => "/v1/video_generation";
    protected override (string Method, string Path) PollRoute => ("GET", "/v1/query/video_generation");

    protected override (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var body = create.Json();
        return (body.GetProperty("model").GetString()!, body.GetProperty("duration").GetInt32());
    }

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path == "/v1/video_generation";
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path == "/v1/query/video_generation";
    protected override bool IsResolve(RecordedRequest r) => r.Method == "GET" && r.Path == "/v1/files/retrieve";
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith("/_files/", StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => false;
    protected override string ErrorBody(int status, string message) => FakeMiniMaxServer.BaseResponse(status == 429 ? 1002 : 1000, message);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_shot_from_text_sends_model_snapped_duration_768P_and_no_prompt_rewriting()
    {
        var progress = new RecordingProgress();
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 5), progress);

        var body = Assert.Single(Fake.Requests, IsCreate).Node()!;
        Assert.Equal(("MiniMax-Hailuo-02", 6, "768P", false), ((string?)body["model"], (int?)body["duration"], (string?)body["resolution"], (bool?)body["prompt_optimizer"]));
        Assert.Equal(Shots.For(Vendor).Request.Prompt, (string?)body["prompt"]);
        Assert.Null(body["first_frame_image"]);
        Assert.Equal(6, clip.DurationSeconds);
        Assert.Equal(["queued", "generating"], progress.Reports.Select(p => p.Stage).Where(s => s is "queued" or "generating").Distinct());
    }

    [Fact]
    public async Task A_full_hd_short_shot_asks_for_1080P_and_a_long_one_for_768P()
    {
        await GenerateAsync(Shots.For(Vendor, width: 1920, height: 1080, duration: 6));
        await GenerateAsync(Shots.For(Vendor, width: 1920, height: 1080, duration: 10));

        var creates = Fake.Requests.Where(IsCreate).Select(r => r.Node()!).ToList();
        Assert.Equal([("1080P", 6), ("768P", 10)], creates.Select(b => ((string)b["resolution"]!, (int)b["duration"]!)));
    }

    [Fact]
    public async Task A_continuing_shot_sends_its_first_frame_and_may_be_portrait()
    {
        var previous = await Harness.AddPreviousClipAsync();
        await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 720, height: 1280, firstFrameClip: previous));
        Assert.StartsWith("data:image/png;base64,", (string?)Assert.Single(Fake.Requests, IsCreate).Node()!["first_frame_image"]);
    }

    [Fact]
    public async Task A_portrait_shot_from_text_alone_is_refused_by_the_catalogue_and_fails_before_any_call()
    {
        var shot = Shots.For(Vendor, aspectRatio: "9:16", width: 720, height: 1280);
        Assert.NotNull(Harness.Catalogue.ModelOf(Vendor, shot.Request).Capabilities!.Refusal(shot.Request));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(shot));
        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.Empty(Fake.Requests);
    }

    [Fact]
    public async Task A_shot_with_references_goes_to_the_subject_reference_model_with_one_character()
    {
        var reference = await Harness.AddReferenceImageAsync();
        var clip = await GenerateAsync(Shots.For(Vendor, duration: 6, references: [reference]));

        var body = Assert.Single(Fake.Requests, IsCreate).Node()!;
        Assert.Equal(("S2V-01", 6), ((string?)body["model"], (int?)body["duration"]));
        Assert.Null(body["resolution"]);
        var subject = Assert.Single(body["subject_reference"]!.AsArray())!;
        Assert.Equal("character", (string?)subject["type"]);
        Assert.StartsWith("data:image/png;base64,", (string?)Assert.Single(subject["image"]!.AsArray()));
        Assert.Equal(("S2V-01", 6.0), (clip.Model, clip.DurationSeconds));
    }

    [Theory]
    [InlineData(1002, "rate limit exceeded(RPM)", ProviderErrors.RateLimited, true)]
    [InlineData(1008, "insufficient balance", ProviderErrors.QuotaExceeded, false)]
    [InlineData(1026, "input new_sensitive", ProviderErrors.ContentRejected, false)]
    [InlineData(2013, "invalid params, duration", ProviderErrors.InvalidRequest, false)]
    [InlineData(1000, "unknown error", ProviderErrors.Unavailable, false)]
    public async Task Status_codes_in_base_resp_map_to_ours(int code, string message, string expected, bool retryable)
    {
        Fake.Inject("POST", CreatePath, 200, FakeMiniMaxServer.BaseResponse(code, message));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal((expected, retryable), (error.Code, error.Retryable));
        Assert.Single(Fake.Requests);
    }

    [Fact]
    public async Task A_wrong_key_is_unauthorized()
    {
        await using var harness = HarnessWith(("ApiKey", "wrong"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.Unauthorized, false), (error.Code, error.Retryable));
    }

    [Theory]
    [InlineData("""{"model":"MiniMax-Hailuo-02","prompt":"p","duration":8}""")]
    [InlineData("""{"model":"MiniMax-Hailuo-02","prompt":"p","duration":10,"resolution":"1080P"}""")]
    [InlineData("""{"model":"MiniMax-Hailuo-02","prompt":"p","duration":6,"resolution":"720P"}""")]
    [InlineData("""{"model":"MiniMax-Hailuo-02","prompt":"p","duration":6,"resolution":"512P"}""")]
    [InlineData("""{"model":"MiniMax-Hailuo-02","prompt":"p","first_frame_image":"aGVsbG8="}""")]
    [InlineData("""{"model":"S2V-01","prompt":"p","duration":10,"subject_reference":[{"type":"character","image":["https://x/a.png"]}]}""")]
    [InlineData("""{"model":"S2V-01","prompt":"p","subject_reference":[{"type":"character","image":["https://x/a.png","https://x/b.png"]}]}""")]
    [InlineData("""{"model":"S2V-01","prompt":"p","resolution":"768P","subject_reference":[{"type":"character","image":["https://x/a.png"]}]}""")]
    [InlineData("""{"model":"video-02","prompt":"p"}""")]
    public async Task The_fake_refuses_what_minimax_refuses_with_2013(string body)
    {
        using var client = new HttpClient { BaseAddress = Fake.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", FakeMiniMaxServer.ApiKey);

        using var response = await client.PostAsync("v1/video_generation", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        var answer = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(2013, (int?)answer!["base_resp"]!["status_code"]);
        Assert.Null(answer["task_id"]);
    }
}
