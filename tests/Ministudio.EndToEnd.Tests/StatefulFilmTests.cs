using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.TestSupport;
using static Ministudio.EndToEnd.Tests.FilmApiTests;

namespace Ministudio.EndToEnd.Tests;

/// <summary>A film whose state changes, whose shots are graded, and whose long shot is made in parts, through the gateway.</summary>
[Collection(PlatformCollection.Name)]
public sealed class StatefulFilmTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_state_change_a_colour_grade_and_a_long_shot_in_parts_render_frame_by_frame_as_asked()
    {
        var ct = TestContext.Current.CancellationToken;
        // A tenant of its own, so no other test's clips answer from the cache.
        var client = platform.GatewayClient(await platform.NewTenantKeyAsync(ct));
        // The mock vendor (offline, small clips) makes at most 60 s a clip: the 61 s shot is made in two parts.
        var spec = JsonSerializer.Serialize(new
        {
            title = $"The coat comes off {Guid.NewGuid():N}",
            aspectRatio = "1:1",
            provider = "mock",
            seed = 19,
            grade = "cool-modern",
            transition = new { type = "cut" },
            characters = new[] { new { name = "Mira", identity = new { hair = "silver bob" }, state = new { clothing = "yellow raincoat" } } },
            environment = new { location = "the harbour wall", timeOfDay = "dusk" },
            shots = new object[]
            {
                new { action = "Mira waits on the harbour wall", durationSeconds = 2, camera = "static" },
                new
                {
                    action = "Mira takes off her raincoat", durationSeconds = 2, camera = "static", grade = "warm-film",
                    state = new { characters = new[] { new { name = "Mira", state = new { clothing = "grey jumper" } } } },
                },
                new { action = "Mira watches the sea for a long time", durationSeconds = 61, camera = "push-in" },
            },
        });

        var accepted = await client.PostAsync("/v1/films", Json(spec), ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var jobId = (await accepted.Content.ReadFromJsonAsync<JsonObject>(ct))!["id"]!.GetValue<Guid>();
        var (job, _) = await WaitForTerminalAsync(client, jobId);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", job.ToJsonString());

        // The job shows each row's film shot, part and state in force.
        var shots = job["shots"]!.AsArray().Select(s => s!.AsObject()).ToList();
        Assert.Equal([(0, 1, 1), (1, 1, 1), (2, 1, 2), (2, 2, 2)],
            shots.Select(s => (s["shot"]!.GetValue<int>(), s["part"]!.GetValue<int>(), s["parts"]!.GetValue<int>())));
        Assert.Equal(["yellow raincoat", "grey jumper", "grey jumper", "grey jumper"],
            shots.Select(s => s["state"]!["characters"]![0]!["state"]!["clothing"]!.GetValue<string>()));
        Assert.Contains("except what changes in this shot: Mira wearing grey jumper (was yellow raincoat)", shots[1]["prompt"]!.GetValue<string>());
        Assert.Equal([30.5, 30.5], shots.Skip(2).Select(s => s["durationSeconds"]!.GetValue<double>()));
        Assert.Single(shots.Skip(2).Select(s => s["chain"]!.GetValue<int>()).Distinct());
        Assert.Contains(job["warnings"]!.AsArray(), w => w!["code"]!.GetValue<string>() == "shot.split");

        var film = await DownloadAsync(client, jobId);
        var info = await Media.ProbeAsync(film);
        var durations = shots.Select(s => s["durationSeconds"]!.GetValue<double>()).ToList();
        Assert.InRange(info.DurationSeconds, durations.Sum() - 0.3, durations.Sum() + 0.3);

        // Frame by frame, each graded shot against its own ungraded clip: shot 0 cooler (blue over red), shot 1 warmer.
        var clip0 = platform.ClipPath(shots[0]["clipSha256"]!.GetValue<string>());
        var clip1 = platform.ClipPath(shots[1]["clipSha256"]!.GetValue<string>());
        foreach (var t in new[] { 0.25, 0.75, 1.25, 1.75 })
        {
            var (filmCool, clipCool) = (Balance(await Media.FrameAtAsync(film, t)), Balance(await Media.FrameAtAsync(clip0, t)));
            Assert.True(filmCool < clipCool - 4, $"at {t} s the cool-modern grade should cool shot 0: red minus blue {clipCool} became {filmCool}");
            var (filmWarm, clipWarm) = (Balance(await Media.FrameAtAsync(film, durations[0] + t)), Balance(await Media.FrameAtAsync(clip1, t)));
            Assert.True(filmWarm > clipWarm + 4, $"at {durations[0] + t} s the warm-film grade should warm shot 1: red minus blue {clipWarm} became {filmWarm}");
        }

        // The long shot's parts join without a jump. The second part opens on the first part's true last frame: the
        // clips differ there no more than a chained shot's (the render tests' threshold, 2).
        var part1 = platform.ClipPath(shots[2]["clipSha256"]!.GetValue<string>());
        var part2 = platform.ClipPath(shots[3]["clipSha256"]!.GetValue<string>());
        var partInfo = await Media.ProbeAsync(part1);
        // Sampled mid-frame: a seek to the last frame's exact start time finds nothing in the mock's clips.
        var clipJoin = Media.MeanDifference(await Media.FrameAtAsync(part1, partInfo.DurationSeconds - 1.5 / partInfo.FramesPerSecond),
            await Media.FrameAtAsync(part2, 0), partInfo.Width, (0, 0, partInfo.Width, partInfo.Height));
        Assert.True(clipJoin < 2, $"part 2 should open on part 1's last frame (difference {clipJoin:0.00})");
        // In the film (upscaled, graded, encoded once more) the join is a cut that shows less change than the real cut
        // into the long shot from the shot before it, measured the same way in the same film.
        var join = durations[0] + durations[1] + durations[2];
        var frame = 1 / info.FramesPerSecond;
        var whole = (0, 0, info.Width, info.Height);
        var atJoin = Media.MeanDifference(await Media.FrameAtAsync(film, join - 0.5 * frame), await Media.FrameAtAsync(film, join + 0.5 * frame), info.Width, whole);
        var cut = Media.MeanDifference(await Media.FrameAtAsync(film, durations[0] + durations[1] - 0.5 * frame),
            await Media.FrameAtAsync(film, durations[0] + durations[1] + 0.5 * frame), info.Width, whole);
        Assert.True(atJoin < cut, $"the join of the parts ({atJoin:0.00}) should change less than the cut into the long shot ({cut:0.00})");
        TestContext.Current.SendDiagnosticMessage($"long-shot join: clips {clipJoin:0.00}, film {atJoin:0.00}; cut into the shot {cut:0.00}");
    }

    /// <summary>Mean red minus mean blue of an RGB24 frame: up is warmer, down is cooler.</summary>
    private static double Balance(byte[] rgb)
    {
        long red = 0, blue = 0;
        for (var i = 0; i < rgb.Length; i += 3) { red += rgb[i]; blue += rgb[i + 2]; }
        return (red - blue) / (rgb.Length / 3.0);
    }
}
