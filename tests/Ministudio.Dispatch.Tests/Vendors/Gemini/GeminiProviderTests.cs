using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ministudio.Dispatch.Leases;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Gemini;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Gemini;

public sealed class GeminiProviderTests : VendorContractTests<FakeGeminiServer>
{
    private const string Interactions = "/v1beta/interactions";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override string Vendor => GeminiProvider.ProviderName;
    protected override (string Header, string Value) ExpectedAuth => ("x-goog-api-key", FakeGeminiServer.ApiKey);
    protected override bool HasCancel => true;
    protected override string CreatePath => Interactions;
    protected override (string Method, string Path) PollRoute => ("GET", $"{Interactions}/");

    protected override (string Model, double Seconds) Sent(RecordedRequest create)
    {
        var body = create.Json();
        return (body.GetProperty("model").GetString()!, OmniRules.VideoFormatOf(body)!.Value.Seconds);
    }

    protected override bool IsCreate(RecordedRequest r) => r.Method == "POST" && r.Path == Interactions;
    protected override bool IsPoll(RecordedRequest r) => r.Method == "GET" && r.Path.StartsWith($"{Interactions}/", StringComparison.Ordinal);
    protected override string DownloadPath => "/v1beta/files/";
    protected override bool IsDownload(RecordedRequest r) => r.Path.StartsWith(DownloadPath, StringComparison.Ordinal);
    protected override bool IsCancel(RecordedRequest r) => r.Method == "POST" && r.Path.StartsWith($"{Interactions}/", StringComparison.Ordinal) && r.Path.EndsWith("/cancel", StringComparison.Ordinal);
    protected override string ErrorBody(int status, string message) => $$$"""{"error":{"code":"invalid_request","message":"{{{message}}}"}}""";
    protected override Dictionary<string, string?> Settings(Uri baseUrl) => VendorHarness.VendorSettings(Vendor, baseUrl, FakeGeminiServer.ApiKey);

    [Fact]
    public async Task The_interaction_runs_in_the_background_and_asks_for_the_snapped_length_size_and_a_uri()
    {
        var clip = await GenerateAsync(Shots.For(Vendor, aspectRatio: "9:16", width: 1080, height: 1920, duration: 7.5));

        var body = Assert.Single(Fake.Requests, IsCreate).Json();
        Assert.Equal("gemini-omni-1.2-flash", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("background").GetBoolean());
        var format = body.GetProperty("response_format");
        Assert.Equal(("video", "9:16", "8s", "1080p", "uri"), (format.GetProperty("type").GetString(), format.GetProperty("aspect_ratio").GetString(),
            format.GetProperty("duration").GetString(), format.GetProperty("resolution").GetString(), format.GetProperty("delivery").GetString()));
        Assert.Equal("text_to_video", body.GetProperty("generation_config").GetProperty("video_config").GetProperty("task").GetString());
        var input = Assert.Single(body.GetProperty("input").EnumerateArray());
        Assert.Equal("text", input.GetProperty("type").GetString());
        Assert.StartsWith("ACTION: Mira", input.GetProperty("text").GetString());
        // Omni has no seed or negative-prompt field: the compiler writes the negative prompt into the text.
        Assert.DoesNotContain("seed", body.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("negative", body.GetRawText(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal((8, "gemini-omni-1.2-flash"), (clip.DurationSeconds, clip.Model));
        var download = Assert.Single(Fake.Requests, IsDownload);
        Assert.Equal(FakeGeminiServer.ApiKey, download.Header("x-goog-api-key"));
    }

    [Fact]
    public async Task A_first_frame_is_an_image_block_for_image_to_video()
    {
        var previous = await Harness.AddPreviousClipAsync();

        await GenerateAsync(Shots.For(Vendor, firstFrameClip: previous));

        var body = Assert.Single(Fake.Requests, IsCreate).Json();
        Assert.Equal("image_to_video", body.GetProperty("generation_config").GetProperty("video_config").GetProperty("task").GetString());
        var image = body.GetProperty("input")[1];
        Assert.Equal(("image", "image/png"), (image.GetProperty("type").GetString(), image.GetProperty("mime_type").GetString()));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], Convert.FromBase64String(image.GetProperty("data").GetString()!)[..4]);
    }

    [Fact]
    public async Task Reference_images_are_image_blocks_for_reference_to_video()
    {
        var reference = await Harness.AddReferenceImageAsync();

        await GenerateAsync(Shots.For(Vendor, references: [reference, reference]));

        var body = Assert.Single(Fake.Requests, IsCreate).Json();
        Assert.Equal("reference_to_video", body.GetProperty("generation_config").GetProperty("video_config").GetProperty("task").GetString());
        Assert.Equal(["text", "image", "image"], body.GetProperty("input").EnumerateArray().Select(b => b.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task The_interaction_is_recorded_in_the_lease_and_a_take_over_polls_it_without_a_second_create()
    {
        await using var ledger = await LedgerDatabase.CreateAsync();
        var shot = Shots.For(Vendor);
        await using var lease = (await Leases(ledger).AcquireAsync(shot.JobId, shot.ShotIndex, Ct))!;

        await GenerateAsync(shot with { Lease = lease });
        var again = await GenerateAsync(shot with { Lease = lease });

        Assert.Single(Fake.Requests, IsCreate);
        var id = lease.VendorTaskOf(Vendor);
        Assert.StartsWith("v1_", id);
        var polls = Fake.Requests.Where(IsPoll).ToList();
        Assert.All(polls, poll => Assert.Equal($"{Interactions}/{id}", poll.Path));
        Assert.Equal(Fake.Script.Count + 1, polls.Count);
        Assert.Equal(Fake.Video, Harness.Read(again.ArtifactHash));
    }

    [Fact]
    public async Task A_video_delivered_inline_is_decoded_into_the_store()
    {
        // The adapter asks for delivery "uri"; a video that comes back as base64 data must land in the store the same.
        using var client = Client();
        using var created = await client.PostAsync("v1beta/interactions", new StringContent(
            """{"model":"gemini-omni-1.2-flash","input":"p","background":true,"response_format":{"type":"video","delivery":"inline"}}""",
            System.Text.Encoding.UTF8, "application/json"), Ct);
        var id = (await created.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<string>();
        await using var ledger = await LedgerDatabase.CreateAsync();
        var shot = Shots.For(Vendor);
        await using var lease = (await Leases(ledger).AcquireAsync(shot.JobId, shot.ShotIndex, Ct))!;
        await lease.RecordVendorTaskAsync(Vendor, id, Ct);

        var clip = await GenerateAsync(shot with { Lease = lease });

        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
        Assert.DoesNotContain(Fake.Requests, IsDownload);
    }

    private static ShotLeases Leases(Npgsql.NpgsqlDataSource ledger) =>
        new(ledger, Options.Create(new ShotLeaseOptions()), TimeProvider.System, NullLogger<ShotLeases>.Instance);

    [Fact]
    public async Task A_retired_model_is_never_called()
    {
        await using var harness = HarnessWith(("Model", "veo-3.1-generate-preview"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.Retired, false), (error.Code, error.Retryable));
        Assert.Empty(Fake.Requests);
    }

    [Fact]
    public async Task A_wrong_api_key_is_unauthorized_not_invalid_request()
    {
        await using var harness = HarnessWith(("ApiKey", "wrong-key"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.Unauthorized, false), (error.Code, error.Retryable));
    }

    [Fact]
    public async Task A_model_the_api_does_not_serve_is_invalid_request_from_its_404()
    {
        const string Entry = "Dispatch:Catalogue:gemini";
        var settings = Settings(Fake.BaseUrl);
        settings[$"{Entry}:DefaultModel"] = "gemini-omni-9-flash";
        settings[$"{Entry}:Models:gemini-omni-9-flash:Durations:0"] = "8";
        await using var harness = VendorHarness.Create(settings);

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal((ProviderErrors.InvalidRequest, false), (error.Code, error.Retryable));
        Assert.Contains("not found", error.Message, StringComparison.Ordinal);
        Assert.Equal(404, Assert.Single(Fake.Requests, IsCreate).Status);
    }

    [Theory]
    [InlineData("""{"model":"gemini-omni-9-flash","input":"p"}""", 404)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","prompt":"p"}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","background":"true"}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","duration":"16s"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","duration":"2s"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","duration":8}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.1-flash","input":"p","response_format":{"type":"video","duration":"12s"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-flash-preview","input":"p","response_format":{"type":"video","resolution":"1080p"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","resolution":"1440p"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","aspect_ratio":"1:1"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","aspectRatio":"16:9"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","response_format":{"type":"video","gcs_uri":"gs://b/o"}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","generation_config":{"video_config":{"task":"image_to_video"}}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":[{"type":"text","text":"p"},{"type":"image","data":"iVBORw0KGgo=","mime_type":"image/png"}],"generation_config":{"video_config":{"task":"text_to_video"}}}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":[{"type":"image","image":"iVBORw0KGgo=","mime_type":"image/png"}]}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":[{"type":"image","data":"not base64!","mime_type":"image/png"}]}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":[{"type":"image","data":"iVBORw0KGgo=","mime_type":"image/svg+xml"}]}""", 400)]
    [InlineData("""{"model":"gemini-omni-1.2-flash","input":"p","generation_config":{"videoConfig":{"task":"text_to_video"}}}""", 400)]
    public async Task The_fake_refuses_what_the_interactions_api_refuses(string body, int status)
    {
        using var client = Client();

        using var response = await client.PostAsync("v1beta/interactions", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!;
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
        Assert.Equal(JsonValueKind.String, error["code"]!.GetValueKind());
    }

    [Theory]
    [InlineData("queued", null, null, false)]
    [InlineData("failed", "The video could not be generated because it may violate our usage guidelines.", ProviderErrors.ContentRejected, false)]
    [InlineData("failed", "Internal error.", ProviderErrors.Failed, true)]
    [InlineData("incomplete", "Output truncated.", ProviderErrors.Failed, true)]
    [InlineData("cancelled", null, ProviderErrors.Canceled, false)]
    [InlineData("budget_exceeded", "Budget exceeded.", ProviderErrors.QuotaExceeded, false)]
    [InlineData("requires_action", null, ProviderErrors.BadOutput, false)]
    [InlineData("completed", null, ProviderErrors.BadOutput, true)]
    public void Interaction_statuses_map_to_our_states(string status, string? message, string? code, bool retryable)
    {
        var interaction = new Interaction("v1_x", status, [], message is null ? null : [new InteractionError(message)]);

        var (state, _) = GeminiRequests.StateOf(interaction, Vendor);

        if (code is null) Assert.IsType<TaskState.Working>(state);
        else Assert.Equal((code, retryable), (((TaskState.Failed)state).Error.Code, ((TaskState.Failed)state).Error.Retryable));
    }

    private HttpClient Client()
    {
        var client = new HttpClient { BaseAddress = Fake.BaseUrl };
        client.DefaultRequestHeaders.Add("x-goog-api-key", FakeGeminiServer.ApiKey);
        return client;
    }
}
