extern alias render;

using Grpc.Net.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts.Render;
using Ministudio.Dispatch.Providers;
using Ministudio.Dispatch.Providers.Vendors;
using Ministudio.Dispatch.Providers.Vendors.Mock;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors.Mock;

/// <summary>The mock vendor with the real render service hosted in memory, sharing one artifact store.</summary>
public sealed class MockProviderTests : IAsyncLifetime
{
    private readonly string _artifactRoot = Directory.CreateTempSubdirectory("ministudio-mock-vendor-tests").FullName;
    private WebApplicationFactory<render::Program> _render = null!;
    private Renderer.RendererClient _renderer = null!;

    public ValueTask InitializeAsync()
    {
        _render = new WebApplicationFactory<render::Program>().WithWebHostBuilder(web => web
            .UseSetting(ArtifactStore.RootKey, _artifactRoot)
            .UseSetting(TrustedCalls.Setting, TrustedCalls.SigningKey));
        var channel = GrpcChannel.ForAddress(_render.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = TrustedCalls.Handler(inner: _render.Server.CreateHandler()) });
        _renderer = new Renderer.RendererClient(channel);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _render.DisposeAsync();
        if (Directory.Exists(_artifactRoot)) Directory.Delete(_artifactRoot, recursive: true);
    }

    private VendorHarness Harness(params (string Key, string? Value)[] settings) => VendorHarness.Create(
        settings.ToDictionary(s => $"Dispatch:Vendors:{MockProvider.ProviderName}:{s.Key}", s => s.Value), _renderer, _artifactRoot);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_request_gives_the_same_small_real_mp4()
    {
        await using var harness = Harness();
        var provider = harness.Provider(MockProvider.ProviderName);
        var shot = Shots.For(MockProvider.ProviderName, duration: 1, seed: 7);

        var progress = new RecordingProgress();
        var first = await provider.GenerateAsync(shot, progress, Ct);
        var second = await provider.GenerateAsync(shot with { JobId = Guid.NewGuid() }, new RecordingProgress(), Ct);
        var otherSeed = await provider.GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 1, seed: 8), new RecordingProgress(), Ct);

        Assert.Equal(first.ArtifactHash, second.ArtifactHash);
        Assert.Equal(await File.ReadAllBytesAsync(harness.Artifacts.PathOf(first.ArtifactHash), Ct), await File.ReadAllBytesAsync(harness.Artifacts.PathOf(second.ArtifactHash), Ct));
        Assert.NotEqual(first.ArtifactHash, otherSeed.ArtifactHash);
        Assert.Equal((1.0, MockProvider.ModelName), (first.DurationSeconds, first.Model));
        Assert.NotEmpty(progress.Reports);

        var info = await Media.ProbeAsync(harness.Artifacts.PathOf(first.ArtifactHash));
        Assert.Equal(("h264", 320, 180), (info.Codec, info.Width, info.Height));
        Assert.Equal(12, info.FramesPerSecond, 0.01);
        Assert.Equal(1.0, info.DurationSeconds, 0.1);
    }

    [Fact]
    public async Task With_ReuseClips_each_format_is_rendered_once_and_its_stored_clip_served_to_every_request_of_it()
    {
        await using var harness = Harness(("ReuseClips", "true"));
        var provider = harness.Provider(MockProvider.ProviderName);
        var stats = _render.Services.GetRequiredService<render::Ministudio.Render.Rendering.RenderStats>();
        var renderedBefore = stats.ShotsRendered;

        // Concurrent first requests of one format share one render; other prompts and seeds get the same clip.
        var sameFormat = await Task.WhenAll(Enumerable.Range(1, 4).Select(seed =>
            provider.GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 1, seed: seed, prompt: $"take {seed}"), new RecordingProgress(), Ct)));
        var progress = new RecordingProgress();
        var later = await provider.GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 1, seed: 99), progress, Ct);
        var longer = await provider.GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 2, seed: 1), new RecordingProgress(), Ct);

        Assert.Single(sameFormat.Append(later).Select(c => c.ArtifactHash).Distinct());
        Assert.NotEqual(later.ArtifactHash, longer.ArtifactHash);
        Assert.Equal(2, stats.ShotsRendered - renderedBefore);
        Assert.Equal((1.0, MockProvider.ModelName), (later.DurationSeconds, later.Model));
        Assert.NotEmpty(progress.Reports);
        var info = await Media.ProbeAsync(harness.Artifacts.PathOf(later.ArtifactHash));
        Assert.Equal(("h264", 320, 180), (info.Codec, info.Width, info.Height));
        Assert.Equal(2.0, (await Media.ProbeAsync(harness.Artifacts.PathOf(longer.ArtifactHash))).DurationSeconds, 0.1);

        // Another process (a new provider) renders the same bytes for the format: the clip depends on nothing else.
        await using var again = Harness(("ReuseClips", "true"));
        Assert.Equal(later.ArtifactHash, (await again.Provider(MockProvider.ProviderName).GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 1, seed: 5), new RecordingProgress(), Ct)).ArtifactHash);

        // A stored clip cleaned away from the artifact store is rendered again, not served as a missing file.
        Assert.True(await harness.Artifacts.DeleteAsync(later.ArtifactHash, Ct));
        var renderedBeforeCleanup = stats.ShotsRendered;
        var rerendered = await provider.GenerateAsync(Shots.For(MockProvider.ProviderName, duration: 1, seed: 6), new RecordingProgress(), Ct);
        Assert.True(harness.Artifacts.Contains(rerendered.ArtifactHash));
        Assert.Equal(1, stats.ShotsRendered - renderedBeforeCleanup);
    }

    [Fact]
    public async Task The_failure_rate_holds_over_200_seeds_and_outcomes_repeat_exactly()
    {
        var settings = new[] { ("FailureRate", (string?)"0.3"), ("FailureKinds:0", "rate_limited"), ("FailureKinds:1", "unavailable"), ("FailureKinds:2", "content_rejected") };
        await using var harness = Harness(settings);
        await using var again = Harness(settings);
        var mock = (MockProvider)harness.Provider(MockProvider.ProviderName);
        var twin = (MockProvider)again.Provider(MockProvider.ProviderName);

        var outcomes = Enumerable.Range(0, 200).Select(seed => mock.FailureFor(seed, attempt: 1)?.Code).ToList();
        var failures = outcomes.Count(code => code is not null);
        // 200 draws at p = 0.3: 60 expected, standard deviation 6.5; the draws are fixed, so this never flickers.
        Assert.InRange(failures, 45, 75);
        Assert.Equal(3, outcomes.Where(code => code is not null).Distinct().Count());
        Assert.Equal(outcomes, Enumerable.Range(0, 200).Select(seed => twin.FailureFor(seed, attempt: 1)?.Code));
        // A later attempt is a fresh draw, not the first one again.
        Assert.NotEqual(outcomes, Enumerable.Range(0, 200).Select(seed => mock.FailureFor(seed, attempt: 2)?.Code));
    }

    [Theory]
    [InlineData("rate_limited", ProviderErrors.RateLimited, true)]
    [InlineData("unavailable", ProviderErrors.Unavailable, true)]
    [InlineData("content_rejected", ProviderErrors.ContentRejected, false)]
    public async Task Each_failure_kind_is_the_matching_provider_exception(string kind, string code, bool retryable)
    {
        await using var harness = Harness(("FailureRate", "1"), ("FailureKinds:0", kind), ("RetryAfter", "00:00:07"));
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            harness.Provider(MockProvider.ProviderName).GenerateAsync(Shots.For(MockProvider.ProviderName), new RecordingProgress(), Ct));
        Assert.Equal((code, retryable), (error.Code, error.Retryable));
        Assert.Equal(kind == "rate_limited" ? TimeSpan.FromSeconds(7) : (TimeSpan?)null, error.RetryAfter);
    }

    [Fact]
    public async Task A_shot_that_fails_its_first_attempts_succeeds_on_the_next()
    {
        await using var harness = Harness(("FailFirstAttempts", "2"), ("FailureKinds:0", "unavailable"));
        var provider = harness.Provider(MockProvider.ProviderName);
        var shot = Shots.For(MockProvider.ProviderName, duration: 1);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var error = await Assert.ThrowsAsync<ProviderException>(() => provider.GenerateAsync(shot, new RecordingProgress(), Ct));
            Assert.Equal(ProviderErrors.Unavailable, error.Code);
        }
        var clip = await provider.GenerateAsync(shot, new RecordingProgress(), Ct);
        Assert.True(harness.Artifacts.Contains(clip.ArtifactHash));
    }

    [Fact]
    public async Task A_failure_rate_outside_0_to_1_is_refused_at_start_with_its_key()
    {
        await using var harness = Harness(("FailureRate", "1.5"));
        var error = Assert.Throws<InvalidOperationException>(() => harness.Provider(MockProvider.ProviderName));
        Assert.Contains("Dispatch:Vendors:mock:FailureRate", error.Message);
    }
}
