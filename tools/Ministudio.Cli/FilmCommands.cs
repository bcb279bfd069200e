using System.CommandLine;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary><c>ministudio film compile|render|submit|status|watch|download|cancel</c> (also <c>films</c>).</summary>
public static class FilmCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var films = new Command("film", "Compile, render and follow films: compile, render, submit, status, watch, download, cancel (also: ministudio films).");
        films.Aliases.Add("films");

        var file = new Argument<string>("file") { Description = "The film's JSON (as POST /v1/films takes it)." };
        var wait = new Option<bool>("--wait") { Description = "Follow the job with live per-shot progress until it ends, then download the film." };
        var output = new Option<string?>("--out", "-o") { Description = "Where --wait saves the film (default: <job id>.mp4)." };
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat a submission safely (default: a new key)." };
        var submit = new Command("submit", "Submit a film; with --wait, render it to the end and download it.") { file, wait, output, key };
        submit.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var film = await CliFiles.ReadJsonAsync(parse.GetValue(file)!, ct);
            var job = await client.SubmitFilmAsync(film, parse.GetValue(key), ct);
            if (!parse.GetValue(wait))
            {
                if (cli.WantsJson(parse)) await cli.WriteJsonAsync(job);
                else await cli.Output.WriteLineAsync($"{job.Id}  {job.Status}  {job.Title} ({job.Shots.Count} shots)");
                return ExitCodes.Ok;
            }
            return await JobCommands.FollowAsync(cli, parse, client, job, parse.GetValue(output) ?? $"{job.Id}.mp4", ct);
        }));
        films.Add(submit);

        var renderFile = new Argument<string>("file") { Description = "The film's JSON (as POST /v1/films takes it)." };
        var renderOutput = new Option<string?>("--out", "-o") { Description = "Where to save the film (default: <job id>.mp4)." };
        var renderKey = new Option<string?>("--idempotency-key") { Description = "Repeat a submission safely (default: a new key)." };
        var render = new Command("render", "Submit a film, follow it with live per-shot progress to the end and download it (exit 1 if it fails).") { renderFile, renderOutput, renderKey };
        render.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var job = await client.SubmitFilmAsync(await CliFiles.ReadJsonAsync(parse.GetValue(renderFile)!, ct), parse.GetValue(renderKey), ct);
            return await JobCommands.FollowAsync(cli, parse, client, job, parse.GetValue(renderOutput) ?? $"{job.Id}.mp4", ct);
        }));
        films.Add(render);

        var compileFile = new Argument<string>("file") { Description = "The film's JSON." };
        var compile = new Command("compile", "Show each shot's compiled prompt and the warnings, without making anything.") { compileFile };
        compile.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var compiled = await client.CompileFilmAsync(await CliFiles.ReadJsonAsync(parse.GetValue(compileFile)!, ct), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(compiled);
            else
            {
                foreach (var shot in compiled.Shots) await cli.Output.WriteLineAsync($"shot {shot.Index} (chain {shot.Chain}): {shot.Prompt}");
                foreach (var warning in compiled.Warnings) await cli.Output.WriteLineAsync($"warning: shot {warning.Shot}: {warning.Message} ({warning.Code})");
            }
            return ExitCodes.Ok;
        }));
        films.Add(compile);

        // A film is a job: the job commands, under the names a film's user looks for.
        films.Add(JobCommands.Show(cli, "status"));
        films.Add(JobCommands.Watch(cli));
        films.Add(JobCommands.Download(cli));
        films.Add(JobCommands.Cancel(cli));
        return films;
    }
}
