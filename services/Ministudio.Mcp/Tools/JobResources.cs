using System.ComponentModel;
using Ministudio.Client;
using Ministudio.Mcp.Authentication;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Ministudio.Mcp.Tools;

/// <summary>A finished job's files — the film and every other deliverable — read through the API with the caller's key.</summary>
[McpServerResourceType]
public sealed class JobResources(GatewayApi api)
{
    /// <summary>Resources travel base64-encoded inside one JSON-RPC message; larger files are downloaded from the API.</summary>
    public const long MaxBytes = 32L * 1024 * 1024;

    private const string Scheme = "ministudio://jobs/";
    public const string VideoName = "video";

    /// <summary>The film is <c>…/video</c>; other deliverables are <c>…/deliverables/{name}</c> with the name's slashes escaped.</summary>
    public static string UriOf(Guid job, string deliverable) => deliverable == VideoName
        ? $"{Scheme}{job}/{VideoName}"
        : $"{Scheme}{job}/deliverables/{Uri.EscapeDataString(deliverable)}";

    [McpServerResource(UriTemplate = Scheme + "{jobId}/" + VideoName, Name = "film_video", MimeType = "video/mp4")]
    [Description("The finished film (MP4) of a job.")]
    public Task<ResourceContents> Video(string jobId, CancellationToken ct) => ReadAsync(jobId, VideoName, ct);

    [McpServerResource(UriTemplate = Scheme + "{jobId}/deliverables/{name}", Name = "job_deliverable")]
    [Description("One deliverable of a finished job by its name (get_job lists them: captions, audio, shots/{n}/video …).")]
    public Task<ResourceContents> Deliverable(string jobId, string name, CancellationToken ct) => ReadAsync(jobId, Uri.UnescapeDataString(name), ct);

    private async Task<ResourceContents> ReadAsync(string jobId, string name, CancellationToken ct)
    {
        if (!Guid.TryParse(jobId, out var id)) throw new McpProtocolException($"'{jobId}' is not a job id.", McpErrorCode.InvalidParams);
        try
        {
            var (content, mediaType) = await api.Caller.GetDeliverableAsync(id, name, MaxBytes, ct);
            return BlobResourceContents.FromBytes(content, UriOf(id, name), mediaType);
        }
        catch (MinistudioProblemException problem)
        {
            // Not found (another tenant's job included), not ready: the API's code and words.
            throw new McpProtocolException($"{problem.Code}: {problem.Title}{(problem.Detail is null ? "" : " " + problem.Detail)}",
                problem.Status == System.Net.HttpStatusCode.NotFound ? McpErrorCode.ResourceNotFound : McpErrorCode.InvalidParams);
        }
        catch (DeliverableTooLargeException tooLarge)
        {
            throw new McpProtocolException(tooLarge.Message, McpErrorCode.InvalidParams);
        }
    }
}
