using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Ministudio.Compose.Audio;
using Ministudio.Contracts;
using Ministudio.TestSupport;

namespace Ministudio.EndToEnd.Tests;

/// <summary>The sample film with its sound, through the gateway: voiced, captioned, normalised, and every file it delivers.</summary>
[Collection(PlatformCollection.Name)]
public sealed class FilmSoundTests(PlatformFixture platform)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sample_film_is_voiced_captioned_normalised_and_every_deliverable_downloads_for_its_tenant_only()
    {
        var client = platform.GatewayClient(platform.DevelopmentKey);
        var spec = JsonNode.Parse(await File.ReadAllTextAsync(PlatformFixture.SampleFilm, Ct))!.AsObject();
        // Its own shots (the cache test renders the sample itself, uncached) and a broadcast loudness target.
        spec["seed"] = 4242;
        spec["loudnessLufs"] = -16;
        var accepted = await client.PostAsync("/v1/films", FilmApiTests.Json(spec.ToJsonString()), Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(Ct))!["id"]!.GetValue<Guid>();
        var (job, _) = await FilmApiTests.WaitForTerminalAsync(client, jobId);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());

        // Every deliverable is listed, downloads through the gateway byte for byte, with ranges, and only for its tenant.
        var deliverables = job["deliverables"]!.AsArray().Select(d => d!.AsObject()).ToDictionary(d => d["name"]!.GetValue<string>());
        string[] expected = ["video", "poster.jpg", "sprite.jpg", "sprite.vtt", "captions.srt", "captions.vtt", "audio.m4a",
            "hls/master.m3u8", "hls/index.m3u8", "hls/segment-000.ts", "shots/0/video", "shots/1/video", "shots/2/video"];
        Assert.All(expected, name => Assert.True(deliverables.ContainsKey(name), $"{name} is not listed: {string.Join(", ", deliverables.Keys)}"));
        var stranger = platform.GatewayClient(platform.OtherTenantKey);
        var files = new Dictionary<string, string>();
        foreach (var (name, deliverable) in deliverables)
        {
            var url = deliverable["url"]!.GetValue<string>();
            using var response = await client.GetAsync(url, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {response.StatusCode}");
            Assert.Equal(deliverable["mediaType"]!.GetValue<string>(), response.Content.Headers.ContentType!.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync(Ct);
            Assert.Equal(deliverable["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            files[name] = Path.Combine(Path.GetTempPath(), $"ministudio-e2e-{jobId}-{name.Replace('/', '-')}");
            await File.WriteAllBytesAsync(files[name], bytes, Ct);

            using var range = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(0, 9) } };
            using var partial = await client.SendAsync(range, Ct);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal(bytes[..10], await partial.Content.ReadAsByteArrayAsync(Ct));

            using var foreign = await stranger.GetAsync(url, Ct);
            using var missing = await stranger.GetAsync(url.Replace(jobId.ToString(), Guid.NewGuid().ToString()), Ct);
            Assert.Equal((HttpStatusCode.NotFound, "job.not_found"), (foreign.StatusCode, await Problems.CodeOf(foreign)));
            Assert.Equal((HttpStatusCode.NotFound, "job.not_found"), (missing.StatusCode, await Problems.CodeOf(missing)));
        }

        // An AAC sound track at the film's loudness target (±1 LU by ffmpeg's ebur128), marked as AI-generated.
        var film = files["video"];
        Assert.Equal("aac", await SoundMeter.AudioCodecAsync(film));
        Assert.InRange(await SoundMeter.IntegratedLoudnessAsync(film), -17, -15);
        Assert.Contains("AI-generated", await SoundMeter.TagAsync(film, "comment"));

        // Where each line was spoken: the same synthesis compose ran (espeak-ng, the default voice), laid out as compose lays it out.
        var shots = job["shots"]!.AsArray().Select(s => s!["durationSeconds"]!.GetValue<double>()).ToList();
        var narration = spec["shots"]!.AsArray().Select(s => s!["narration"]?.GetValue<string>()).ToList();
        var words = new List<(double Start, double End)>();
        var lines = new List<(double Start, double End)>();
        double start = 0, speechEnds = 0;
        for (var i = 0; i < shots.Count; i++)
        {
            if (i > 0) start += shots[i - 1] - 0.5;
            if (narration[i] is not { } text) continue;
            var seconds = await EspeakSecondsAsync(text);
            var at = Math.Max(start + FilmScore.LeadSeconds, speechEnds);
            words.AddRange(WordTimingEstimator.Estimate(text, seconds).Select(w => (at + w.StartSeconds, at + w.EndSeconds)));
            lines.Add((at, at + seconds));
            speechEnds = at + seconds + FilmScore.GapSeconds;
            Assert.True(at + seconds <= start + shots[i] + 0.01, $"shot {i}'s speech runs past it");
        }
        Assert.Equal(2, lines.Count);

        // silencedetect finds sound wherever a line is spoken, in every narrated shot.
        var silences = await SoundMeter.SilencesAsync(film, (await Media.ProbeAsync(film)).DurationSeconds);
        Assert.All(lines, line => Assert.True(SoundMeter.Heard(silences, line.Start, line.End), $"silence over the line at {line.Start:0.##} s: {string.Join(", ", silences)}"));

        // Every SRT and WebVTT cue starts and ends with its words as synthesized, within 100 ms.
        foreach (var captions in new[] { "captions.srt", "captions.vtt" })
            Assert.Empty(SoundMeter.CueMismatches(SoundMeter.Cues(await File.ReadAllTextAsync(files[captions], Ct)), words));

        Assert.Equal("aac", await SoundMeter.AudioCodecAsync(files["audio.m4a"]));
        Assert.Contains("index.m3u8", await File.ReadAllTextAsync(files["hls/master.m3u8"], Ct));
        foreach (var path in files.Values) File.Delete(path);
    }

    /// <summary>The length of espeak-ng's speech for a line, synthesized as compose does (default voice and rate).</summary>
    private static async Task<double> EspeakSecondsAsync(string text)
    {
        var wav = Path.Combine(Path.GetTempPath(), $"ministudio-e2e-{Guid.NewGuid():N}.wav");
        var options = new AudioOptions();
        var start = new ProcessStartInfo(options.Espeak.Executable) { RedirectStandardInput = true };
        foreach (var argument in new[] { "-b", "1", "-v", options.DefaultVoice.Split(':')[1], "-s", options.Espeak.WordsPerMinute.ToString(CultureInfo.InvariantCulture), "-w", wav, "--stdin" })
            start.ArgumentList.Add(argument);
        using (var espeak = Process.Start(start)!)
        {
            await espeak.StandardInput.WriteAsync(text);
            espeak.StandardInput.Close();
            await espeak.WaitForExitAsync(Ct);
        }
        try
        {
            return await SoundMeter.AudioSecondsAsync(wav);
        }
        finally
        {
            File.Delete(wav);
        }
    }
}
