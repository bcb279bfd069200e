using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Platform.Tenancy;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors;

/// <summary>
/// The behaviour every vendor adapter owes dispatch, run against that vendor's faithful fake: exact auth, the
/// status sequence with progress, the fake's MP4 in our store, prompt download, 429 with Retry-After on create,
/// no second create after an ambiguous 5xx, tolerated 5xx while polling, safety refusals never retried, 400 as
/// invalid_request, cancellation and timeouts reaching the vendor's cancel call where it has one.
/// </summary>
public abstract class VendorContractTests<TFake> : IAsyncLifetime where TFake : FakeVideoServer, new()
{
    protected TFake Fake { get; private set; } = null!;
    protected VendorHarness Harness { get; private set; } = null!;

    protected abstract string Vendor { get; }

    /// <summary>The credential header every call to the vendor's API must carry, and its exact value.</summary>
    protected abstract (string Header, string Value) ExpectedAuth { get; }

    protected abstract bool HasCancel { get; }
    protected abstract string CreatePath { get; }
    protected abstract (string Method, string Path) PollRoute { get; }

    protected abstract bool IsCreate(RecordedRequest request);
    protected abstract bool IsPoll(RecordedRequest request);
    protected abstract bool IsDownload(RecordedRequest request);
    protected abstract bool IsCancel(RecordedRequest request);

    /// <summary>Whether a call carried the vendor's credentials (by default: exactly <see cref="ExpectedAuth"/>).</summary>
    protected virtual bool IsAuthorized(RecordedRequest request) => request.Header(ExpectedAuth.Header) == ExpectedAuth.Value;

    /// <summary>Where the finished video is fetched from (the start of its path), for injecting download failures.</summary>
    protected virtual string DownloadPath => "/_files/";

    /// <summary>A call that turns a finished task into its download link (MiniMax's files/retrieve, fal's result).</summary>
    protected virtual bool IsResolve(RecordedRequest request) => false;

    /// <summary>The model and clip length a create request asks for, read the way the vendor reads them.</summary>
    protected abstract (string Model, double Seconds) Sent(RecordedRequest create);

    /// <summary>The vendor's own error body for a failed HTTP call.</summary>
    protected abstract string ErrorBody(int status, string message);

    protected virtual Dictionary<string, string?> Settings(Uri baseUrl) => VendorHarness.VendorSettings(Vendor, baseUrl);

    public async ValueTask InitializeAsync()
    {
        Fake = await FakeVendorServer.StartAsync<TFake>();
        Harness = VendorHarness.Create(Settings(Fake.BaseUrl));
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Fake.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>A harness of its own on <see cref="Settings"/> with some of the vendor's settings replaced (a null removes one).</summary>
    protected VendorHarness HarnessWith(params (string Key, string? Value)[] overrides)
    {
        var settings = Settings(Fake.BaseUrl);
        foreach (var (key, value) in overrides) settings[$"Dispatch:Vendors:{Vendor}:{key}"] = value;
        return VendorHarness.Create(settings);
    }

    protected Task<GeneratedClip> GenerateAsync(ShotJob? shot = null, IProgress<ProviderProgress>? progress = null, CancellationToken? ct = null, VendorHarness? harness = null) =>
        (harness ?? Harness).Provider(Vendor).GenerateAsync(shot ?? Shots.For(Vendor), progress ?? new RecordingProgress(), ct ?? TestContext.Current.CancellationToken);

    [Fact]
    public async Task A_shot_follows_the_status_sequence_with_exact_auth_and_stores_the_vendors_video()
    {
        var progress = new RecordingProgress();

        var clip = await GenerateAsync(progress: progress);

        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
        Assert.False(string.IsNullOrEmpty(clip.Model));
        var requests = Fake.Requests;
        Assert.Single(requests, IsCreate);
        Assert.Equal(Fake.Script.Count, requests.Count(IsPoll));
        Assert.All(requests.Where(r => IsCreate(r) || IsPoll(r)), r => Assert.True(IsAuthorized(r), $"{r} without the vendor's credentials"));
        var fractions = progress.Reports.Select(p => p.Fraction).ToList();
        Assert.True(fractions.Count >= Fake.Script.Count - 1, $"only {fractions.Count} progress reports");
        Assert.Equal(fractions.Order(), fractions);
        Assert.All(fractions, f => Assert.InRange(f, 0, 1));
    }

    [Fact]
    public async Task Every_length_the_catalogue_allows_is_sent_as_is_to_the_model_routing_priced()
    {
        // Routing checks and prices the catalogue's model for a shot; the adapter must call that model with that length.
        var plain = Shots.For(Vendor).Request;
        var (model, limits) = Harness.Catalogue.ModelOf(Vendor, plain);
        Assert.NotNull(limits);
        var lengths = limits.AllowedDurations(plain);
        Assert.NotEmpty(lengths);

        foreach (var seconds in lengths)
        {
            var clip = await GenerateAsync(Shots.For(Vendor, duration: seconds));
            Assert.Equal((model, seconds), Sent(Fake.Requests.Last(IsCreate)));
            Assert.Equal((model, seconds), (clip.Model, clip.DurationSeconds));
        }
    }

    /// <summary>The platform's formats (prompt's VideoFormats).</summary>
    private static readonly (string Aspect, int Width, int Height)[] Formats = [("16:9", 1280, 720), ("9:16", 720, 1280), ("1:1", 720, 720)];

    [Fact]
    public async Task Every_edge_case_the_catalogue_allows_is_accepted_by_the_vendor()
    {
        // The fakes refuse what the real API refuses (lengths per model, sizes, aspect ratios, field names, reference
        // rules), so a catalogue entry or an adapter that would send something the vendor refuses fails here.
        var entry = Harness.Catalogue.Vendors[Vendor];
        var previous = await Harness.AddPreviousClipAsync();
        var reference = await Harness.AddReferenceImageAsync();
        var sent = new List<string>();
        foreach (var firstFrame in new[] { false, true })
        foreach (var references in new[] { false, true })
        foreach (var (aspect, width, height) in Formats)
        {
            if (firstFrame && references && entry.FirstFrameExcludesReferences) continue;
            ShotJob Shot(double seconds) => Shots.For(Vendor, aspect, width, height, seconds,
                firstFrameClip: firstFrame ? previous : null, references: references ? [reference] : null);
            var (model, limits) = Harness.Catalogue.ModelOf(Vendor, Shot(1).Request);
            if (limits is null) continue;
            var lengths = limits.AllowedDurations(Shot(1).Request);
            foreach (var seconds in (lengths.Count > 0 ? [lengths.Min(), lengths.Max()] : new[] { 1, limits.MaxDurationSeconds }).Distinct())
            {
                var shot = Shot(seconds);
                // Routing never sends a shot the model cannot make; the compiler never makes one.
                if (limits.Refusal(shot.Request) is not null) continue;
                var clip = await GenerateAsync(shot);
                Assert.Equal((model, seconds), (clip.Model, clip.DurationSeconds));
                sent.Add($"{model} {aspect} {seconds}s{(firstFrame ? " first-frame" : "")}{(references ? " references" : "")}");
            }
        }
        Assert.True(sent.Count >= 4, $"only {sent.Count} edge cases: {string.Join("; ", sent)}");
    }

    [Fact]
    public async Task The_finished_video_is_downloaded_right_after_the_poll_that_reported_it()
    {
        await GenerateAsync();

        var requests = Fake.Requests;
        var download = Assert.Single(requests, IsDownload);
        var lastPoll = requests.Last(IsPoll).Sequence;
        Assert.True(download.Sequence > lastPoll);
        Assert.All(requests.Where(r => r.Sequence > lastPoll && r.Sequence < download.Sequence), r => Assert.True(IsResolve(r), $"{r} between the last poll and the download"));
        Assert.Equal(200, download.Status);
    }

    /// <summary>The secret a tenant stores for the fake's account (BYOK): by default the API key of these settings.</summary>
    protected virtual string TenantSecretOf(Dictionary<string, string?> settings) => settings[$"Dispatch:Vendors:{Vendor}:ApiKey"]!;

    [Fact]
    public async Task A_tenants_own_key_pays_for_the_shot_where_the_platform_has_no_credentials()
    {
        var settings = Settings(Fake.BaseUrl);
        var secret = TenantSecretOf(settings);
        foreach (var credential in new[] { "ApiKey", "SecretKey", "ServiceAccountJson", "ServiceAccountFile" })
            settings.Remove($"Dispatch:Vendors:{Vendor}:{credential}");
        await using var harness = VendorHarness.Create(settings);

        var withoutKey = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));
        Assert.Equal(ProviderErrors.NotConfigured, withoutKey.Code);
        Assert.Empty(Fake.Requests);

        var clip = await GenerateAsync(Shots.For(Vendor) with { TenantSecret = new TenantSecret(secret) }, harness: harness);

        Assert.Equal(Fake.Video, harness.Read(clip.ArtifactHash));
        Assert.Single(Fake.Requests, IsCreate);
        Assert.All(Fake.Requests.Where(r => IsCreate(r) || IsPoll(r)), r => Assert.True(IsAuthorized(r), $"{r} without the tenant's credentials"));
    }

    [Fact]
    public async Task A_failed_download_is_tried_again()
    {
        // The download is a read: a 5xx there must not lose a clip the vendor already made (and billed).
        Fake.Inject("GET", DownloadPath, 503, ErrorBody(503, "The service is currently unavailable."));

        var clip = await GenerateAsync();

        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
        Assert.Equal([503, 200], Fake.Requests.Where(IsDownload).Select(r => r.Status));
        Assert.Single(Fake.Requests, IsCreate);
    }

    [Fact]
    public async Task A_rate_limited_create_is_retryable_after_the_vendors_retry_after()
    {
        Fake.Inject("POST", CreatePath, 429, ErrorBody(429, "Rate limit reached, slow down."), retryAfter: TimeSpan.FromSeconds(7));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal(ProviderErrors.RateLimited, error.Code);
        Assert.True(error.Retryable);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Single(Fake.Requests, IsCreate);
        Assert.DoesNotContain(Fake.Requests, IsPoll);
    }

    [Fact]
    public async Task A_server_error_on_create_is_not_retried_because_the_task_may_exist()
    {
        Fake.Inject("POST", CreatePath, 500, ErrorBody(500, "Internal server error."));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal(ProviderErrors.Unavailable, error.Code);
        Assert.False(error.Retryable);
        Assert.Single(Fake.Requests, IsCreate);
    }

    [Fact]
    public async Task A_bad_request_is_invalid_request_and_not_retryable()
    {
        Fake.Inject("POST", CreatePath, 400, ErrorBody(400, "The field duration is out of range."));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal(ProviderErrors.InvalidRequest, error.Code);
        Assert.False(error.Retryable);
    }

    [Fact]
    public async Task Server_errors_while_polling_are_tolerated()
    {
        Fake.Inject(PollRoute.Method, PollRoute.Path, 503, ErrorBody(503, "The service is currently unavailable."), times: 2);

        var clip = await GenerateAsync();

        Assert.Equal(Fake.Video, Harness.Read(clip.ArtifactHash));
        Assert.Equal(2, Fake.Requests.Count(r => IsPoll(r) && r.Status == 503));
    }

    [Fact]
    public async Task A_safety_refusal_is_content_rejected_and_never_retried()
    {
        Fake.Script = [new FakeState.Running(0.3), new FakeState.Failed(FakeFailure.Safety)];

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.Equal(ProviderErrors.ContentRejected, error.Code);
        Assert.False(error.Retryable);
        Assert.DoesNotContain(Fake.Requests, IsDownload);
    }

    [Fact]
    public async Task An_internal_vendor_failure_is_retryable_and_not_a_content_refusal()
    {
        Fake.Script = [new FakeState.Running(0.3), new FakeState.Failed(FakeFailure.Internal)];

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync());

        Assert.NotEqual(ProviderErrors.ContentRejected, error.Code);
        Assert.True(error.Retryable);
    }

    [Fact]
    public async Task Cancelling_a_shot_calls_the_vendors_cancel_where_it_has_one()
    {
        Fake.Script = [new FakeState.Running(0.5)];
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var generation = GenerateAsync(ct: cancellation.Token);
        await Fake.WaitForAsync(requests => requests.Count(IsPoll) >= 2);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => generation);
        if (HasCancel) Assert.Single(Fake.Requests, IsCancel);
        else Assert.DoesNotContain(Fake.Requests, r => r.Method == "DELETE");
    }

    [Fact]
    public async Task A_task_that_outlives_the_timeout_is_cancelled_at_the_vendor_and_times_out()
    {
        Fake.Script = [new FakeState.Running(0.5)];
        await using var harness = HarnessWith(("TaskTimeout", "00:00:00.300"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => GenerateAsync(harness: harness));

        Assert.Equal(ProviderErrors.Timeout, error.Code);
        Assert.True(error.Retryable);
        if (HasCancel) Assert.Single(Fake.Requests, IsCancel);
    }
}
