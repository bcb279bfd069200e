using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>A film's sound and cuts as prompt sends them to compose, what it refuses, and every deliverable served per tenant.</summary>
public sealed class FilmSoundApiTests : IAsyncLifetime
{
    private PromptApp _app = null!;
    private ITestHarness Harness => _app.Harness;
    private ArtifactStore Store => _app.Factory.Services.GetRequiredService<ArtifactStore>();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>Three shots (3 s, 2 s, 4 s): narration in shot 0, Theo speaks in shot 1, shot 2 wipes in.</summary>
    private static FilmSpec VoicedFilm(string? music = null) => FilmSamples.ThreeShots() with
    {
        Narrator = new VoiceSpec("espeak:en-gb", "calm"),
        Characters = [FilmSamples.Mira, FilmSamples.Theo with { Voice = new VoiceSpec("espeak:en+m3", "gruff") }],
        Music = music is null ? null : new MusicSpec(music, 0.5),
        LoudnessLufs = -16,
        Shots =
        [
            FilmSamples.Shot("Mira climbs the spiral stairs", 3, "Every night she climbed to the lamp.", "push-in", ["Mira"]),
            FilmSamples.Shot("Theo waits at the door", 2, characters: ["Theo"]) with { Dialogue = [new DialogueLine("theo", "Ready when you are.")] },
            FilmSamples.Shot("They light the lamp together", 4, camera: "static") with { Transition = new TransitionSpec("wipeleft", 0.75) },
        ],
    };

    private Task<string> StoreAsync(string name, string content) => Store.AddTextAsync(content, name, Ct);

    /// <summary>Submits a film and reports every shot rendered; returns the job and the ComposeFilm prompt sent.</summary>
    private async Task<(JobView Job, ComposeFilm Compose, string[] Clips)> RenderAsync(Guid tenant, FilmSpec film)
    {
        var response = await _app.ClientFor(tenant).PostAsJsonAsync("/v1/films", film, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
        var clips = new string[film.Shots!.Count];
        for (var i = 0; i < clips.Length; i++)
        {
            clips[i] = await StoreAsync($"shot-{i}.mp4", $"clip {i} of {job.Id}");
            await Harness.Bus.Publish(new ShotRendered(job.Id, i, clips[i], film.Shots[i].DurationSeconds, false, "local"), Ct);
        }
        var compose = await Harness.PublishedAsync<ComposeFilm>(m => m.JobId == job.Id);
        return (job, compose, clips);
    }

    private async Task<JobView> FinishAsync(Guid tenant, Guid job, string film, IReadOnlyList<FilmDeliverable> files)
    {
        await Harness.Bus.Publish(new FilmComposed(job, film, 8.25, Deliverables: files), Ct);
        return await Eventually.ValueAsync(async () => (await _app.ClientFor(tenant).GetFromJsonAsync<JobView>($"/v1/jobs/{job}", JsonSerializerOptions.Web, Ct))!,
            j => j.Status == JobStatus.Succeeded);
    }

    [Fact]
    public async Task A_film_sends_compose_its_lines_in_each_speakers_voice_its_transitions_music_and_loudness()
    {
        // The music is a finished film of the same tenant (its sound track is the bed).
        var (earlier, _, _) = await RenderAsync(_app.Acme, FilmSamples.ThreeShots());
        var bed = await StoreAsync("bed.mp4", "an earlier film with a sound track");
        await FinishAsync(_app.Acme, earlier.Id, bed, []);

        var (_, compose, clips) = await RenderAsync(_app.Acme, VoicedFilm(music: bed));
        Assert.Equal(clips, compose.ClipHashes);
        var score = compose.Score!;
        Assert.Equal(-16, score.LoudnessLufs);
        Assert.Equal(new Soundtrack(bed, 0.5), score.Music);
        Assert.Equal([new SpokenLine("Every night she climbed to the lamp.", "espeak:en-gb")], score.Shots[0].Lines);
        Assert.Equal([new SpokenLine("Ready when you are.", "espeak:en+m3", "theo")], score.Shots[1].Lines);
        Assert.Empty(score.Shots[2].Lines);
        // No transition into the first shot; the default 0.5 s fade into the second; the shot's own wipe into the third.
        Assert.Equal([null, new ClipTransition("fade", 0.5), new ClipTransition("wipeleft", 0.75)], score.Shots.Select(s => s.Transition));
    }

    [Fact]
    public async Task The_animatic_is_told_when_each_dialogue_line_is_spoken_as_the_film_will_play_it()
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films:compile", VoicedFilm(), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var compiled = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var speech = compiled.RootElement.GetProperty("shots").EnumerateArray()
            .Select(s => s.GetProperty("request").GetProperty("speech").Deserialize<List<SpokenSpan>>(JsonSerializerOptions.Web)!).ToList();

        // Shot 0 has narration only (no one to mark). Shot 1 starts 2.5 s into the film (3 s less the 0.5 s fade), its
        // line a lead after that: the narration (1.4 s from 0.2 s, then a gap) has ended by then.
        Assert.Empty(speech[0]);
        var line = Assert.Single(speech[1]);
        Assert.Equal("theo", line.Speaker);
        Assert.Equal(FilmScore.LeadSeconds, line.StartSeconds, 3);
        Assert.Equal(FilmScore.LeadSeconds + SpeechLengths.Of("Ready when you are."), line.EndSeconds, 3);
        Assert.Empty(speech[2]);
    }

    [Fact]
    public async Task A_cut_joins_shots_without_a_transition_and_the_film_can_set_every_boundary()
    {
        var film = FilmSamples.ThreeShots() with { Transition = new TransitionSpec("dissolve", 1) };
        film = film with { Shots = [film.Shots![0], film.Shots[1] with { Transition = new TransitionSpec(FilmScores.Cut, null) }, film.Shots[2]] };
        var (_, compose, _) = await RenderAsync(_app.Acme, film);
        Assert.Equal([null, null, new ClipTransition("dissolve", 1)], compose.Score!.Shots.Select(s => s.Transition));
        Assert.Equal(Timeline.DefaultLoudnessLufs, compose.Score.LoudnessLufs);
        Assert.Null(compose.Score.Music);
    }

    public static TheoryData<string, string, string> BadSound => new()
    {
        { """{"narrator": {"voiceId": "klingon:worf"}}""", "narrator.voiceId", "film.voice_unknown" },
        { """{"narrator": {"voiceId": "no voice"}}""", "narrator.voiceId", "film.voice_unknown" },
        { """{"transition": {"type": "swirl"}}""", "transition.type", "film.transition_unknown" },
        { """{"transition": {"type": "fade", "seconds": 2.5}}""", "transition.seconds", "film.transition_too_long" },
        { """{"loudnessLufs": -40}""", "loudnessLufs", "film.loudness_out_of_range" },
        { """{"music": {"asset": "not-a-hash"}}""", "music.asset", "film.music_asset_invalid" },
        { """{"music": {"asset": "0000000000000000000000000000000000000000000000000000000000000000"}}""", "music.asset", "film.music_asset_not_found" },
        { """{"music": {"asset": "x", "volume": 9}}""", "music.volume", "film.music_volume_out_of_range" },
    };

    [Theory]
    [MemberData(nameof(BadSound))]
    public async Task Bad_sound_is_a_400_naming_the_field_and_nothing_is_stored(string overlay, string field, string code)
    {
        var body = JsonSerializer.SerializeToNode(FilmSamples.ThreeShots(), JsonSerializerOptions.Web)!.AsObject();
        foreach (var (key, value) in System.Text.Json.Nodes.JsonNode.Parse(overlay)!.AsObject()) body[key] = value?.DeepClone();
        await AssertRefusedAsync(_app.Acme, body, field, code);
    }

    [Fact]
    public async Task Another_tenants_music_gets_the_same_answer_as_a_hash_that_exists_nowhere()
    {
        var (theirs, _, _) = await RenderAsync(_app.Globex, FilmSamples.ThreeShots());
        var film = await StoreAsync("globex.mp4", "globex's film");
        await FinishAsync(_app.Globex, theirs.Id, film, []);
        var body = JsonSerializer.SerializeToNode(VoicedFilm(music: film), JsonSerializerOptions.Web)!.AsObject();
        await AssertRefusedAsync(_app.Acme, body, "music.asset", "film.music_asset_not_found");
    }

    [Fact]
    public async Task A_transition_on_a_shot_longer_than_its_neighbour_or_on_the_first_shot_is_refused()
    {
        var film = VoicedFilm();
        var tooLong = film with { Shots = [film.Shots![0], film.Shots[1] with { Transition = new TransitionSpec("fade", 2) }, film.Shots[2]] };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(tooLong, JsonSerializerOptions.Web)!.AsObject(), "shots[1].transition.seconds", "film.transition_too_long");
        var first = film with { Shots = [film.Shots![0] with { Transition = new TransitionSpec("fade", 0.5) }, film.Shots[1], film.Shots[2]] };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(first, JsonSerializerOptions.Web)!.AsObject(), "shots[0].transition", "film.transition_without_previous");
        var dialogue = film with { Characters = [FilmSamples.Mira with { Voice = new VoiceSpec("espeak", null) }, FilmSamples.Theo] };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(dialogue, JsonSerializerOptions.Web)!.AsObject(), "characters[0].voice.voiceId", "film.voice_unknown");
    }

    private async Task AssertRefusedAsync(Guid tenant, System.Text.Json.Nodes.JsonObject body, string field, string code)
    {
        var client = _app.ClientFor(tenant);
        var before = (await client.GetFromJsonAsync<JobPage>("/v1/jobs", JsonSerializerOptions.Web, Ct))!.Items.Count;
        var response = await client.PostAsJsonAsync("/v1/films", body, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("field").GetString(), e.GetProperty("code").GetString())).ToList();
        Assert.Contains((field, code), errors);
        Assert.Equal(before, (await client.GetFromJsonAsync<JobPage>("/v1/jobs", JsonSerializerOptions.Web, Ct))!.Items.Count);
    }

    [Fact]
    public async Task Every_deliverable_downloads_with_ranges_for_its_tenant_and_is_missing_for_another()
    {
        var (job, _, clips) = await RenderAsync(_app.Acme, VoicedFilm());
        var film = await StoreAsync("film.mp4", "the finished film");
        var poster = await StoreAsync("poster.jpg", "a poster, 0123456789");
        var master = await StoreAsync("master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nindex.m3u8\n");
        var segment = await StoreAsync("segment-000.ts", "segment bytes");
        var done = await FinishAsync(_app.Acme, job.Id, film,
        [
            new FilmDeliverable("poster.jpg", poster, "image/jpeg"),
            new FilmDeliverable("hls/master.m3u8", master, "application/vnd.apple.mpegurl"),
            new FilmDeliverable("hls/segment-000.ts", segment, "video/mp2t"),
        ]);

        Assert.Equal(["video", "poster.jpg", "hls/master.m3u8", "hls/segment-000.ts", "shots/0/video", "shots/1/video", "shots/2/video"],
            done.Deliverables!.Select(d => d.Name));
        Assert.Equal([film, poster, master, segment, .. clips], done.Deliverables!.Select(d => d.Sha256));

        var client = _app.ClientFor(_app.Acme);
        var other = _app.ClientFor(_app.Globex);
        foreach (var deliverable in done.Deliverables!)
        {
            Assert.Equal($"/v1/jobs/{job.Id}/{deliverable.Name}", deliverable.Url);
            var whole = await client.GetAsync(deliverable.Url, Ct);
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal(deliverable.MediaType, whole.Content.Headers.ContentType!.MediaType);
            Assert.Equal(await File.ReadAllBytesAsync(Store.PathOf(deliverable.Sha256), Ct), await whole.Content.ReadAsByteArrayAsync(Ct));

            using var range = new HttpRequestMessage(HttpMethod.Get, deliverable.Url) { Headers = { Range = new RangeHeaderValue(2, 5) } };
            var partial = await client.SendAsync(range, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal((await File.ReadAllBytesAsync(Store.PathOf(deliverable.Sha256), Ct))[2..6], await partial.Content.ReadAsByteArrayAsync(Ct));

            // Another tenant gets exactly what a missing job gets.
            var foreign = await other.GetAsync(deliverable.Url, Ct);
            var missing = await client.GetAsync(deliverable.Url.Replace(job.Id.ToString(), Guid.NewGuid().ToString()), Ct);
            Assert.Equal((HttpStatusCode.NotFound, "job.not_found"), (foreign.StatusCode, await Problems.CodeOf(foreign)));
            Assert.Equal((HttpStatusCode.NotFound, "job.not_found"), (missing.StatusCode, await Problems.CodeOf(missing)));
        }
        var unknown = await client.GetAsync($"/v1/jobs/{job.Id}/hls/segment-999.ts", Ct);
        Assert.Equal((HttpStatusCode.NotFound, "job.deliverable_not_found"), (unknown.StatusCode, await Problems.CodeOf(unknown)));
        var noShot = await client.GetAsync($"/v1/jobs/{job.Id}/shots/7/video", Ct);
        Assert.Equal((HttpStatusCode.NotFound, "job.shot_not_found"), (noShot.StatusCode, await Problems.CodeOf(noShot)));
    }

    private const string LongLine = "The storm came over the cliffs and every light in the harbour went out at once tonight";

    /// <summary>Two shots of 2 s; the first narrates a 17-word line (3.4 s spoken), the second blends in with a 0.5 s fade.</summary>
    private static FilmSpec Talkative(string? timing, string? shotTiming = null, string? provider = null) => FilmSamples.ThreeShots() with
    {
        Timing = timing,
        Provider = provider ?? "local",
        Shots =
        [
            FilmSamples.Shot("The storm reaches the cliffs", 2, LongLine) with { Timing = shotTiming },
            FilmSamples.Shot("The harbour goes dark", 2),
        ],
    };

    private async Task<List<double>> CompiledDurationsAsync(FilmSpec film)
    {
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films:compile", film, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var compiled = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return compiled.RootElement.GetProperty("shots").EnumerateArray().Select(s => s.GetProperty("request").GetProperty("durationSeconds").GetDouble()).ToList();
    }

    [Fact]
    public async Task Timing_narration_makes_a_shot_at_least_its_speech_plus_the_pad_snapped_to_its_vendor()
    {
        // The lead and the speech, plus the default 0.5 s pad.
        var needed = FilmScore.LeadSeconds + SpeechLengths.Of(LongLine) + new SpeechTimingOptions().PadSeconds;
        Assert.Equal([needed, 2], await CompiledDurationsAsync(Talkative(SpeechTiming.Narration)), new ToleranceComparer(0.001));
        // The shot's own timing is enough; a vendor with fixed lengths gets the shortest one that holds the speech.
        Assert.Equal([needed, 2], await CompiledDurationsAsync(Talkative(null, shotTiming: SpeechTiming.Narration)), new ToleranceComparer(0.001));
        // Runway from text (veo3.1_fast: 4, 6 or 8 s) takes 6 s for 4.1 s of need; the next shot starts from the
        // previous frame on gen4_turbo (2 to 10 s) and keeps its 2 s.
        Assert.Equal([6, 2], await CompiledDurationsAsync(Talkative(SpeechTiming.Narration, provider: "runway")));

        // The job stores the lengthened shot, and compose gets the lines for it.
        var response = await _app.ClientFor(_app.Acme).PostAsJsonAsync("/v1/films", Talkative(SpeechTiming.Narration), Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = (await response.Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
        var first = await Harness.PublishedAsync<RenderShot>(m => m.JobId == job.Id && m.ShotIndex == 0);
        Assert.True(first.Request.DurationSeconds >= needed - 0.001, $"shot 0 is {first.Request.DurationSeconds} s for {needed} s of speech");
    }

    [Fact]
    public async Task Speech_that_does_not_fit_a_fixed_shot_is_a_400_naming_the_shot()
    {
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(Talkative(null), JsonSerializerOptions.Web)!.AsObject(), "shots[0]", "film.speech_too_long");
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(Talkative(SpeechTiming.Fixed), JsonSerializerOptions.Web)!.AsObject(), "shots[0]", "film.speech_too_long");
        // Longer than any clip the vendor makes, even when asked to follow the narration.
        var endless = Talkative(SpeechTiming.Narration, provider: "replicate") with { };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(endless with { Shots = [endless.Shots![0] with { Narration = string.Join(' ', Enumerable.Repeat("word", 60)) }, endless.Shots[1]] },
            JsonSerializerOptions.Web)!.AsObject(), "shots[0]", "film.speech_too_long");
    }

    [Fact]
    public async Task A_voice_compose_cannot_speak_is_a_400_on_that_voice()
    {
        var film = VoicedFilm() with { Narrator = new VoiceSpec(SpeechLengths.MuteVoice, null) };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(film, JsonSerializerOptions.Web)!.AsObject(), "narrator.voiceId", "film.voice_unknown");
        var dialogue = VoicedFilm() with { Characters = [FilmSamples.Mira, FilmSamples.Theo with { Voice = new VoiceSpec(SpeechLengths.MuteVoice, null) }] };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(dialogue, JsonSerializerOptions.Web)!.AsObject(), "characters[1].voice.voiceId", "film.voice_unknown");
        // A cloud voice nobody holds a key for (neither the tenant nor the platform): refused on the voice, for this tenant.
        var unpaid = VoicedFilm() with { Narrator = new VoiceSpec(SpeechLengths.UnpaidVoice, null) };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(unpaid, JsonSerializerOptions.Web)!.AsObject(), "narrator.voiceId", "film.voice_unavailable");
        Assert.Contains(_app.Acme, SpeechLengths.Tenants);
        var timing = VoicedFilm() with { Timing = "slow" };
        await AssertRefusedAsync(_app.Acme, JsonSerializer.SerializeToNode(timing, JsonSerializerOptions.Web)!.AsObject(), "timing", "film.timing_unknown");
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
