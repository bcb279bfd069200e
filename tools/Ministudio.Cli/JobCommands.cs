using System.CommandLine;
using Ministudio.Client;
using Spectre.Console;

namespace Ministudio.Cli;

/// <summary><c>ministudio jobs list|show|watch|cancel|download</c>, and following a job to its end.</summary>
public static class JobCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var jobs = new Command("jobs", "Your jobs: list, show, watch, cancel, download.");

        var limit = new Option<int?>("--limit") { Description = "1 to 100 (default 20)." };
        var page = new Option<string?>("--page-token") { Description = "The next page, from the previous answer." };
        var list = new Command("list", "Your jobs, newest first.") { limit, page };
        list.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var jobsPage = await client.ListJobsAsync(parse.GetValue(limit), parse.GetValue(page), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(jobsPage);
            else
            {
                foreach (var job in jobsPage.Items) await cli.Output.WriteLineAsync($"{job.Id}  {job.Status,-9}  {job.Progress,4:P0}  {job.Title}");
                if (jobsPage.NextPageToken is { } next) await cli.Output.WriteLineAsync($"more: --page-token {next}");
            }
            return ExitCodes.Ok;
        }));
        jobs.Add(list);

        jobs.Add(Show(cli, "show"));
        jobs.Add(Cancel(cli));
        jobs.Add(Watch(cli));
        jobs.Add(Download(cli));
        return jobs;
    }

    /// <summary>A job and its shots (<c>jobs show</c>, <c>film status</c>).</summary>
    public static Command Show(MinistudioCli cli, string name) =>
        cli.WithId("The job's id.", name, "A job with its shots.", async (parse, client, id, ct) =>
        {
            await WriteJobAsync(cli, parse, await client.GetJobAsync(id, ct));
            return ExitCodes.Ok;
        });

    public static Command Cancel(MinistudioCli cli) =>
        cli.WithId("The job's id.", "cancel", "Stop a queued or running job.", async (parse, client, id, ct) =>
        {
            await WriteJobAsync(cli, parse, await client.CancelJobAsync(id, ct));
            return ExitCodes.Ok;
        });

    public static Command Watch(MinistudioCli cli) =>
        cli.WithId("The job's id.", "watch", "Follow a job with live per-shot progress until it ends (exit 1 if it fails).", async (parse, client, id, ct) =>
            await FollowAsync(cli, parse, client, await client.GetJobAsync(id, ct), download: null, ct));

    public static Command Download(MinistudioCli cli)
    {
        var output = new Option<string?>("--out", "-o") { Description = "The file (default: <job id>.mp4); a partial one is resumed." };
        var download = cli.WithId("The job's id.", "download", "Download a finished job's film.", async (parse, client, id, ct) =>
        {
            var path = await client.DownloadVideoAsync(id, parse.GetValue(output) ?? $"{id}.mp4", ct: ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(new { id, path = Path.GetFullPath(path) });
            else await cli.Output.WriteLineAsync($"saved {path}");
            return ExitCodes.Ok;
        });
        download.Add(output);
        return download;
    }

    /// <summary>
    /// Follows a job to its end: live bars (overall and per shot) on a terminal, a line per change otherwise, only the
    /// final job with --json. A succeeded job's film is then saved to <paramref name="download"/> when one is given.
    /// </summary>
    public static async Task<int> FollowAsync(MinistudioCli cli, ParseResult parse, MinistudioClient client, Job job, string? download, CancellationToken ct)
    {
        var json = cli.WantsJson(parse);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Output) });
        var final = job;
        if (!json && console.Profile.Capabilities.Interactive)
        {
            await console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var overall = progress.AddTask(Markup.Escape(job.Title), maxValue: 1);
                    var shots = job.Shots.Select(s => progress.AddTask($"  shot {s.Index}", maxValue: 1)).ToList();
                    await foreach (var update in client.WatchJobAsync(job.Id, ct))
                    {
                        final = update;
                        overall.Value = update.Progress;
                        overall.Description = Markup.Escape($"{update.Title} — {update.Status}, {update.Stage}");
                        foreach (var shot in update.Shots.Where(s => s.Index < shots.Count))
                        {
                            shots[shot.Index].Value = shot.Progress;
                            shots[shot.Index].Description = Markup.Escape($"  shot {shot.Index} {shot.Status}{(shot.FromCache ? " (cache)" : "")}");
                        }
                    }
                });
        }
        else
        {
            string? last = null;
            await foreach (var update in client.WatchJobAsync(job.Id, ct))
            {
                final = update;
                if (json) continue;
                var line = $"{update.Status,-9} {update.Progress,4:P0}  {update.Stage}  shots {update.Shots.Count(s => s.Status == JobStatuses.Succeeded)}/{update.Shots.Count} done";
                if (line != last) await cli.Output.WriteLineAsync(line);
                last = line;
            }
        }

        string? saved = null;
        if (final.Status == JobStatuses.Succeeded && download is not null)
            saved = await client.DownloadVideoAsync(final.Id, download, ct: ct);
        if (json) await cli.WriteJsonAsync(new { job = final, file = saved is null ? null : Path.GetFullPath(saved) });
        else if (saved is not null) await cli.Output.WriteLineAsync($"{final.Status}: saved {saved}");
        else await cli.Output.WriteLineAsync($"{final.Status}{(final.Error is { } error ? $": {error.Code}: {error.Message}" : "")}");
        return final.Status == JobStatuses.Succeeded ? ExitCodes.Ok : ExitCodes.JobFailed;
    }

    private static async Task WriteJobAsync(MinistudioCli cli, ParseResult parse, Job job)
    {
        if (cli.WantsJson(parse))
        {
            await cli.WriteJsonAsync(job);
            return;
        }
        await cli.Output.WriteLineAsync($"{job.Id}  {job.Status}  {job.Stage}  {job.Progress:P0}  {job.Title}");
        foreach (var shot in job.Shots)
            await cli.Output.WriteLineAsync($"  shot {shot.Index}  {shot.Status,-9} {shot.Progress,4:P0}{(shot.FromCache ? "  cache" : "")}{(shot.Error is { } e ? $"  {e.Code}: {e.Message}" : "")}");
        if (job.Video is { } video) await cli.Output.WriteLineAsync($"  video {video.DurationSeconds:0.0} s, sha256 {video.Sha256}");
        if (job.Error is { } error) await cli.Output.WriteLineAsync($"  error {error.Code}: {error.Message}");
    }
}
