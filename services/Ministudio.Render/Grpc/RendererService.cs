using System.Threading.Channels;
using Grpc.Core;
using Ministudio.Contracts.Render;
using Ministudio.Platform;
using Ministudio.Render.Rendering;
using Ministudio.ServiceDefaults;

namespace Ministudio.Render.Grpc;

/// <summary>gRPC front of the renderer: validates, waits for a free slot, streams progress, answers with the clip.</summary>
public sealed class RendererService(ShotEncoder encoder, RenderSlots slots, ArtifactStore artifacts, ILogger<RendererService> logger) : Renderer.RendererBase
{
    public const int MaxSide = 3840;
    public const double MaxDurationSeconds = 60;

    public override async Task RenderShot(RenderShotRequest request, IServerStreamWriter<RenderShotReply> responseStream, ServerCallContext context)
    {
        try
        {
            await RenderAsync(request, responseStream, context);
        }
        catch (ArtifactStoreUnavailableException ex)
        {
            // Unavailable, with the store's own code in a trailer: dispatch reports that code, retryable. The cause is
            // logged here; the status carries only the store's client-safe message.
            logger.LogWarning(ex, "Shot {JobId}/{ShotIndex}: the artifact store is unavailable", request.JobId, request.ShotIndex);
            throw new RpcException(new Status(StatusCode.Unavailable, ex.Message), new Metadata { { ArtifactStoreUnavailableException.GrpcTrailer, ArtifactStoreUnavailableException.Code } });
        }
    }

    private async Task RenderAsync(RenderShotRequest request, IServerStreamWriter<RenderShotReply> responseStream, ServerCallContext context)
    {
        if (Validate(request) is { } problem) throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        if (request.FirstFrameArtifact is { Length: > 0 } previous && !await artifacts.ContainsAsync(previous, context.CancellationToken))
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"first_frame_artifact {previous} is not in the artifact store."));
        var ct = context.CancellationToken;
        var totalFrames = (int)Math.Round(request.DurationSeconds * request.Fps);

        await responseStream.WriteAsync(Progress(0, totalFrames, "queued"), ct);
        using var slot = await slots.AcquireAsync(ct);

        // Frames are drawn on ffmpeg's pipe; progress crosses to the response stream through a channel that keeps the latest.
        var updates = Channel.CreateBounded<RenderShotReply>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        var step = Math.Max(1, totalFrames / 20);
        var render = Task.Run(async () =>
        {
            try
            {
                return await encoder.RenderAsync(request, (done, total) =>
                {
                    if (done % step == 0 || done == total) updates.Writer.TryWrite(Progress(done, total, done == total ? "encoding" : "drawing"));
                }, ct);
            }
            finally
            {
                updates.Writer.TryComplete();
            }
        }, ct);

        await foreach (var update in updates.Reader.ReadAllAsync(ct))
            await responseStream.WriteAsync(update, ct);

        var completed = await render;
        logger.LogInformation("Rendered shot {ShotIndex} of job {JobId}: {Frames} frames {Width}x{Height} → {Hash}",
            request.ShotIndex, request.JobId, completed.Frames, completed.Width, completed.Height, completed.ArtifactHash);
        await responseStream.WriteAsync(new RenderShotReply { Completed = completed }, ct);
    }

    public static string? Validate(RenderShotRequest request)
    {
        if (request.Width <= 0 || request.Height <= 0 || request.Width > MaxSide || request.Height > MaxSide)
            return $"width and height must be between 2 and {MaxSide}.";
        if (request.Width % 2 != 0 || request.Height % 2 != 0)
            return "width and height must be even (H.264 with 4:2:0 chroma).";
        if (request.Fps is < 1 or > 60)
            return "fps must be between 1 and 60.";
        if (!(request.DurationSeconds > 0) || request.DurationSeconds > MaxDurationSeconds)
            return $"duration_seconds must be above 0 and at most {MaxDurationSeconds}.";
        if (Math.Round(request.DurationSeconds * request.Fps) < 1)
            return "the shot must have at least one frame.";
        if (!CameraPath.Draws(request.CameraMove))
            return $"camera_move '{request.CameraMove}' is not a camera move; use one of {string.Join(", ", CameraPath.Moves)}.";
        if (!ShotFraming.Frames(request.ShotType))
            return $"shot_type '{request.ShotType}' is not a shot type; use one of {string.Join(", ", ShotFraming.ShotTypesFramed)}.";
        if (request.Speech.FirstOrDefault(s => string.IsNullOrWhiteSpace(s.Speaker) || !(s.StartSeconds >= 0) || !(s.EndSeconds > s.StartSeconds)) is { } line)
            return $"speech line of '{line.Speaker}' must name its speaker and run from a start at or after 0 s to a later end.";
        return null;
    }

    private static RenderShotReply Progress(int done, int total, string stage) => new() { Progress = new RenderProgress { FramesDone = done, FramesTotal = total, Stage = stage } };
}
