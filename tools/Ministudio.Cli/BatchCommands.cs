using System.CommandLine;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary><c>ministudio batch submit|status|results|cancel</c>: many films from one JSON Lines file.</summary>
public static class BatchCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var batch = new Command("batch", "Many films at once, from a JSON Lines file (one film per line).");

        var file = new Argument<string>("file") { Description = "The films, one JSON object per line." };
        var onInvalid = new Option<string?>("--on-invalid") { Description = "reject (default): refuse the batch if a line is invalid; skip: submit the valid lines." };
        onInvalid.AcceptOnlyFromAmong("reject", "skip");
        var key = new Option<string?>("--idempotency-key") { Description = "Repeat a submission safely (default: a new key)." };
        var submit = new Command("submit", "Submit the films of a JSON Lines file as one batch.") { file, onInvalid, key };
        submit.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var lines = await CliFiles.ReadJsonLinesAsync(parse.GetValue(file)!, ct);
            var accepted = await client.SubmitBatchAsync(lines, parse.GetValue(onInvalid), parse.GetValue(key), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(accepted);
            else
            {
                await WriteBatchAsync(cli, accepted.Batch);
                foreach (var skipped in accepted.Skipped)
                    await cli.Output.WriteLineAsync($"  skipped line {skipped.Line}: {string.Join("; ", skipped.Errors.Select(e => $"{e.Field}: {e.Message}"))}");
            }
            return ExitCodes.Ok;
        }));
        batch.Add(submit);

        batch.Add(cli.WithId("The batch's id.", "status", "A batch's counts and progress.", async (parse, client, id, ct) =>
        {
            var found = await client.GetBatchAsync(id, ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(found);
            else await WriteBatchAsync(cli, found);
            return ExitCodes.Ok;
        }));
        batch.Add(cli.WithId("The batch's id.", "results", "Each line's result (JSON Lines, in the batch's order).", async (parse, client, id, ct) =>
        {
            // JSON Lines either way: one object per line is what scripts read.
            await foreach (var line in client.GetBatchResultsAsync(id, ct))
                await cli.Output.WriteLineAsync(line.GetRawText());
            return ExitCodes.Ok;
        }));
        batch.Add(cli.WithId("The batch's id.", "cancel", "Stop a batch's films that have not finished.", async (parse, client, id, ct) =>
        {
            var canceled = await client.CancelBatchAsync(id, ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(canceled);
            else await WriteBatchAsync(cli, canceled);
            return ExitCodes.Ok;
        }));
        return batch;
    }

    private static Task WriteBatchAsync(MinistudioCli cli, Batch batch)
    {
        var c = batch.Counts;
        return cli.Output.WriteLineAsync($"{batch.Id}  {batch.Status}  {batch.Progress:P0}  {c.Total} films: {c.Succeeded} succeeded, {c.Failed} failed, " +
                                         $"{c.Running} running, {c.Queued} queued, {c.Canceled} canceled, {c.Invalid} invalid");
    }
}
