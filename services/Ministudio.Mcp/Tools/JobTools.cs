using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ministudio.Client;
using Ministudio.Mcp.Authentication;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Ministudio.Mcp.Tools;

/// <summary>Making films: submit, follow, stop, and what it cost.</summary>
[McpServerToolType]
public sealed class JobTools(GatewayApi api)
{
    public const string RenderFilmName = "render_film";

    [McpServerTool(Name = RenderFilmName, Destructive = false)]
    [Description("Submits a film to be made and answers its job. When the call asks for progress (a progress token), it reports each change of the job (per-shot progress, then composing) and answers once the job has finished; otherwise it answers the queued job at once — follow it with get_job. The film's video and other files are then resources (see the job's resources).")]
    public async Task<CallToolResult> RenderFilm(
        [Description("The film, as POST /v1/films takes it.")] JsonElement film,
        RequestContext<CallToolRequestParams> context,
        CancellationToken ct)
    {
        var client = api.Caller;
        try
        {
            var job = await client.SubmitFilmAsync(ToolResults.BodyText(film), ct: ct);
            if (context.Params?.ProgressToken is not { } token) return ToolResults.Success(WithResources(job));
            await foreach (var update in client.WatchJobAsync(job.Id, ct))
            {
                job = update;
                // Sent and awaited, not IProgress.Report (fire and forget): a notice that left after the result would be
                // dropped by the client, whose progress handler ends with the call (CI lost the final 100 %).
                await context.Server.NotifyProgressAsync(token, new ProgressNotificationValue { Progress = (float)job.Progress, Total = 1, Message = Describe(job) }, cancellationToken: ct);
            }
            return ToolResults.Success(WithResources(job));
        }
        catch (MinistudioProblemException problem)
        {
            return ToolResults.Problem(problem);
        }
    }

    [McpServerTool(Name = "get_job", ReadOnly = true, Idempotent = true)]
    [Description("A job: its status, stage, progress, each shot, warnings, error, and — once it succeeded — its video and deliverables with their resource URIs.")]
    public async Task<CallToolResult> GetJob([Description("The job id render_film answered.")] string jobId, CancellationToken ct)
    {
        if (!ToolResults.TryJobId(jobId, out var id, out var invalid)) return invalid!;
        return await ToolResults.CallAsync(async () => WithResources(await api.Caller.GetJobAsync(id, ct)));
    }

    [McpServerTool(Name = "cancel_job", Destructive = true, Idempotent = true)]
    [Description("Stops a queued or running job (job.not_cancelable once it has finished); shots already made stay paid for.")]
    public async Task<CallToolResult> CancelJob([Description("The job id render_film answered.")] string jobId, CancellationToken ct)
    {
        if (!ToolResults.TryJobId(jobId, out var id, out var invalid)) return invalid!;
        return await ToolResults.CallAsync(() => api.Caller.CancelJobAsync(id, ct));
    }

    [McpServerTool(Name = "get_usage", ReadOnly = true, Idempotent = true)]
    [Description("What the tenant's shots cost in a period (default: this month), grouped by vendor, day or job, with the monthly budget and what is left of it.")]
    public Task<CallToolResult> GetUsage(
        [Description("Start of the period (ISO 8601), inclusive; default: the start of this month.")] DateTimeOffset? from = null,
        [Description("End of the period (ISO 8601), exclusive; default: now.")] DateTimeOffset? to = null,
        [Description("vendor, day or job (default: vendor).")] string? groupBy = null,
        CancellationToken ct = default) =>
        ToolResults.CallAsync(() => api.Caller.GetUsageAsync(from, to, groupBy, ct));

    /// <summary>The job as the API gives it, plus the resource URI of each deliverable (JobResources reads them).</summary>
    private static JsonObject WithResources(Job job)
    {
        var json = JsonSerializer.SerializeToNode(job, ToolResults.Json)!.AsObject();
        json["resources"] = new JsonArray((job.Deliverables ?? []).Select(d => (JsonNode)new JsonObject
        {
            ["name"] = d.Name,
            ["uri"] = JobResources.UriOf(job.Id, d.Name),
            ["mimeType"] = d.MediaType,
        }).ToArray());
        return json;
    }

    private static string Describe(Job job)
    {
        var done = job.Shots.Count(s => s.Status == JobStatuses.Succeeded);
        return string.Create(CultureInfo.InvariantCulture, $"{job.Status} · {job.Stage} · {done}/{job.Shots.Count} shots · {job.Progress:P0}");
    }
}
