using System.Diagnostics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Ministudio.Compose.Consumers;
using Ministudio.Compose.MediaTools;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.TestSupport;

namespace Ministudio.Compose.Tests;

/// <summary>The consumer on MassTransit's in-memory harness with a real artifact store and ffmpeg.</summary>
public sealed class ComposeFilmConsumerTests : IAsyncLifetime
{
    private readonly ArtifactStore _artifacts = new(Directory.CreateTempSubdirectory("ministudio-compose-tests").FullName);
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async ValueTask InitializeAsync()
    {
        (_services, _harness) = await ComposeRig.StartAsync(_artifacts, new ComposeOptions(TimeSpan.FromMinutes(2), 2), voiced: false);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_artifacts.Root, recursive: true);
    }

    [Fact]
    public async Task Composed_films_are_stored_and_announced()
    {
        var folder = _artifacts.CreateScratchFolder();
        var hashes = new List<string>();
        foreach (var colour in new[] { "red", "lime" })
            hashes.Add(await _artifacts.AddFileAsync(await Clips.SolidAsync(folder, colour, 2), TestContext.Current.CancellationToken));
        var job = Guid.NewGuid();

        var clock = Stopwatch.StartNew();
        await _harness.Bus.Publish(new ComposeFilm(job, hashes, "dissolve", 0.5, "16:9"), TestContext.Current.CancellationToken);

        var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == job);
        clock.Stop();
        Assert.True(_artifacts.Contains(composed.ArtifactHash));
        Assert.Equal(3.5, composed.DurationSeconds, 0.1);
        Assert.Equal(3.5, (await Media.ProbeAsync(_artifacts.PathOf(composed.ArtifactHash))).DurationSeconds, 0.1);
        // The consumer's own scratch folder is gone: only the test's remains.
        Assert.Equal([folder], Directory.EnumerateDirectories(Path.Combine(_artifacts.Root, "scratch")));

        // Progress came before the outcome, ends at 1, and at no more than about four events a second.
        var progress = _harness.Published.Select<FilmComposeProgressed>(TestContext.Current.CancellationToken).Select(m => m.Context.Message).Where(m => m.JobId == job).Select(m => m.Fraction).ToList();
        Assert.NotEmpty(progress);
        Assert.All(progress, fraction => Assert.InRange(fraction, 0, 1));
        Assert.Equal(1, progress.Max());
        Assert.InRange(progress.Count, 1, 2 + (int)(clock.Elapsed / ComposeFilmConsumer.ProgressInterval));

        // The same clips and transition again: the stored film is reused without reading a clip (they are gone now).
        foreach (var hash in hashes) File.Delete(_artifacts.PathOf(hash));
        var again = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(again, hashes, "dissolve", 0.5, "16:9"), TestContext.Current.CancellationToken);
        var reused = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == again);
        Assert.Equal(composed.ArtifactHash, reused.ArtifactHash);
        Assert.Equal(composed.DurationSeconds, reused.DurationSeconds, 0.01);

        // A different transition is a different film: it must be composed, and without its clips it cannot be.
        var other = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(other, hashes, "fade", 0.5, "16:9"), TestContext.Current.CancellationToken);
        Assert.Equal("compose.clip_missing", (await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == other)).ErrorCode);
    }

    [Fact]
    public async Task A_timeline_in_the_message_is_rendered_with_its_poster_sprite_and_captions()
    {
        var folder = _artifacts.CreateScratchFolder();
        var clip = await _artifacts.AddFileAsync(await Clips.SolidAsync(folder, "red", 2), TestContext.Current.CancellationToken);
        var timeline = new Timeline(new TimelineOutput("9:16", 720, 24, "draft", Sprite: new SpriteSheet(2, 2)),
        [
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Video, 0, 2, clip, Fit: "smart")]),
            new TimelineTrack([new TimelineClip(TimelineVocabulary.Caption, 0.5, 1, Text: "Hello")]),
        ]);
        var job = Guid.NewGuid();

        await _harness.Bus.Publish(new ComposeFilm(job, [], "fade", 0.5, timeline.Output.Aspect, timeline), TestContext.Current.CancellationToken);

        var composed = await _harness.PublishedAsync<FilmComposed>(m => m.JobId == job);
        var film = await Media.ProbeAsync(_artifacts.PathOf(composed.ArtifactHash));
        Assert.Equal((720, 1280), (film.Width, film.Height));
        Assert.Equal(2, composed.DurationSeconds, 0.1);
        foreach (var part in new[] { composed.PosterHash, composed.SpriteHash, composed.SrtHash, composed.VttHash })
            Assert.True(part is not null && _artifacts.Contains(part));
        Assert.Equal("1\n00:00:00,500 --> 00:00:01,500\nHello\n\n", await File.ReadAllTextAsync(_artifacts.PathOf(composed.SrtHash!), TestContext.Current.CancellationToken));

        // The same timeline again is recalled with every part.
        var again = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(again, [], "fade", 0.5, timeline.Output.Aspect, timeline), TestContext.Current.CancellationToken);
        Assert.Equal(composed with { JobId = again }, await _harness.PublishedAsync<FilmComposed>(m => m.JobId == again), new DurationTolerant());
    }

    [Fact]
    public async Task An_invalid_timeline_fails_with_the_validators_code()
    {
        var job = Guid.NewGuid();
        var timeline = new Timeline(new TimelineOutput("21:9"), [new TimelineTrack([new TimelineClip(TimelineVocabulary.Video, 0, 1, new string('a', 64))])]);
        await _harness.Bus.Publish(new ComposeFilm(job, [], "fade", 0.5, timeline.Output.Aspect, timeline), TestContext.Current.CancellationToken);
        Assert.Equal("timeline.invalid_output", (await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == job)).ErrorCode);
    }

    /// <summary>Equal but for durations read by ffprobe within a millisecond.</summary>
    private sealed class DurationTolerant : IEqualityComparer<FilmComposed>
    {
        public bool Equals(FilmComposed? x, FilmComposed? y) =>
            x is not null && y is not null && Math.Abs(x.DurationSeconds - y.DurationSeconds) < 0.001
            && x with { DurationSeconds = 0, Deliverables = null } == y with { DurationSeconds = 0, Deliverables = null }
            && (x.Deliverables ?? []).SequenceEqual(y.Deliverables ?? []);

        public int GetHashCode(FilmComposed obj) => obj.JobId.GetHashCode();
    }

    [Fact]
    public async Task A_clip_ffmpeg_cannot_read_fails_the_film_without_a_fault()
    {
        var folder = _artifacts.CreateScratchFolder();
        var garbage = Path.Combine(folder, "garbage.mp4");
        await File.WriteAllBytesAsync(garbage, new byte[4096], TestContext.Current.CancellationToken);
        var good = await _artifacts.AddFileAsync(await Clips.SolidAsync(folder, "red", 1), TestContext.Current.CancellationToken);
        var bad = await _artifacts.AddFileAsync(garbage, TestContext.Current.CancellationToken);
        var job = Guid.NewGuid();

        await _harness.Bus.Publish(new ComposeFilm(job, [good, bad], "fade", 0.5, "16:9"), TestContext.Current.CancellationToken);

        var failed = await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == job);
        Assert.Equal("compose.ffmpeg_failed", failed.ErrorCode);
        Assert.False(await _harness.Published.Any<Fault<ComposeFilm>>(TestContext.Current.CancellationToken));
        Assert.False(await _harness.Published.Any<FilmComposed>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_missing_clip_fails_the_film_with_its_code()
    {
        var job = Guid.NewGuid();
        await _harness.Bus.Publish(new ComposeFilm(job, [new string('0', 64)], "fade", 0.5, "16:9"), TestContext.Current.CancellationToken);

        var failed = await _harness.PublishedAsync<FilmComposeFailed>(m => m.JobId == job);
        Assert.Equal("compose.clip_missing", failed.ErrorCode);
        Assert.False(await _harness.Published.Any<Fault<ComposeFilm>>(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void One_instance_composes_as_many_films_at_once_as_configured()
    {
        Assert.Equal(1, new ComposeFilmConsumerDefinition(Options.Create(new ComposeOptions())).ConcurrentMessageLimit);
        Assert.Equal(3, new ComposeFilmConsumerDefinition(Options.Create(new ComposeOptions { MaxConcurrentFilms = 3 })).ConcurrentMessageLimit);
        Assert.False(new ComposeOptions { MaxConcurrentFilms = 0 }.IsValid);
        Assert.False(new ComposeOptions { MaxConcurrentFilms = 17 }.IsValid);
    }
}
