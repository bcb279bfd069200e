using System.CommandLine;

namespace Ministudio.Cli;

/// <summary><c>ministudio timelines render</c>: compose a timeline (clips, titles, captions, audio) into a film.</summary>
public static class TimelineCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var timelines = new Command("timelines", "Compose timelines into films (also: ministudio timeline).");
        timelines.Aliases.Add("timeline");

        var file = new Argument<string>("file") { Description = "The timeline's JSON (as POST /v1/timelines takes it; docs/timeline.md)." };
        var title = new Option<string?>("--title") { Description = "The job's title (default: the timeline's own)." };
        var output = new Option<string?>("--out", "-o") { Description = "Where to save the film (default: <job id>.mp4)." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat a submission safely (default: a new key)." };
        var render = new Command("render", "Submit a timeline, follow it to the end and download the film (exit 1 if it fails).") { file, title, output, key };
        render.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var job = await client.SubmitTimelineAsync(await CliFiles.ReadJsonAsync(parse.GetValue(file)!, ct), parse.GetValue(title), parse.GetValue(key), ct);
            return await JobCommands.FollowAsync(cli, parse, client, job, parse.GetValue(output) ?? $"{job.Id}.mp4", ct);
        }));
        timelines.Add(render);
        return timelines;
    }
}
