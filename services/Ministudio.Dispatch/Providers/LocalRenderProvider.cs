using Grpc.Core;
using Microsoft.Extensions.Options;
using Ministudio.Contracts.Render;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Providers;

/// <summary>
/// The platform's own render service, over gRPC with streamed progress. A render that is away (killed mid-shot, being
/// restarted) is called again with a doubling back-off for <see cref="RenderCallOptions.RetryFor"/>: the supervisor or
/// the kubelet brings it back within seconds, and the shot should not fail for that.
/// </summary>
public sealed class LocalRenderProvider(Renderer.RendererClient renderer, IOptions<RenderCallOptions> options, TimeProvider time) : IVideoProvider
{
    public const string ProviderName = "local";
    public const string UnavailableCode = "render.unavailable";
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(8);

    public string Name => ProviderName;

    public async Task<GeneratedClip> GenerateAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        var giveUpAt = time.GetUtcNow() + options.Value.RetryFor;
        var backOff = options.Value.FirstBackOff;
        while (true)
        {
            try
            {
                return await RenderOnceAsync(shot, progress, ct);
            }
            catch (ProviderException ex) when (ex.Code == UnavailableCode && !ct.IsCancellationRequested && time.GetUtcNow() + backOff <= giveUpAt)
            {
                await Task.Delay(backOff, time, ct);
                backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, MaxBackOff.Ticks));
            }
        }
    }

    private async Task<GeneratedClip> RenderOnceAsync(ShotJob shot, IProgress<ProviderProgress> progress, CancellationToken ct)
    {
        try
        {
            using var call = renderer.RenderShot(ToRenderRequest(shot), cancellationToken: ct);
            await foreach (var reply in call.ResponseStream.ReadAllAsync(ct))
            {
                switch (reply.ReplyCase)
                {
                    case RenderShotReply.ReplyOneofCase.Progress when reply.Progress.FramesTotal > 0:
                        progress.Report(new ProviderProgress((double)reply.Progress.FramesDone / reply.Progress.FramesTotal, reply.Progress.Stage));
                        break;
                    case RenderShotReply.ReplyOneofCase.Completed:
                        return new GeneratedClip(reply.Completed.ArtifactHash, reply.Completed.DurationSeconds);
                }
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            throw new ProviderException("render.invalid_request", ex.Status.Detail, retryable: false, ex);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.FailedPrecondition)
        {
            throw new ProviderException("render.missing_input", ex.Status.Detail, retryable: false, ex);
        }
        catch (RpcException ex) when (ex.Trailers.GetValue(ArtifactStoreUnavailableException.GrpcTrailer) == ArtifactStoreUnavailableException.Code)
        {
            throw new ProviderException(ArtifactStoreUnavailableException.Code, ex.Status.Detail, retryable: true, ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded)
        {
            throw new ProviderException(UnavailableCode, ex.Status.Detail, retryable: true, ex);
        }
        catch (RpcException ex) when (ex.StatusCode != StatusCode.Cancelled)
        {
            throw new ProviderException("render.failed", ex.Status.Detail, retryable: true, ex);
        }
        throw new ProviderException("render.incomplete", "The render service closed the stream without a finished clip.", retryable: true);
    }

    private static RenderShotRequest ToRenderRequest(ShotJob shot)
    {
        var request = shot.Request;
        var message = new RenderShotRequest
        {
            JobId = shot.JobId.ToString(),
            ShotIndex = shot.ShotIndex,
            Action = request.Action,
            Prompt = request.Prompt,
            Width = request.Width,
            Height = request.Height,
            Fps = request.Fps,
            DurationSeconds = request.DurationSeconds,
            Seed = request.Seed,
            CameraMove = request.CameraMove,
            FirstFrameArtifact = request.FirstFrameClip ?? "",
            Style = new StyleLook { Name = request.Style.Name, Palette = { request.Style.Palette } },
            ShotType = request.ShotType ?? "",
        };
        if (request.Environment is { } environment)
            message.Environment = new EnvironmentLook
            {
                Location = environment.Location ?? "", Palette = { environment.Palette }, TimeOfDay = environment.TimeOfDay ?? "",
                Weather = environment.Weather ?? "", Lighting = environment.Lighting ?? "",
            };
        foreach (var line in request.Speech ?? [])
            message.Speech.Add(new SpeechSpan { Speaker = line.Speaker, StartSeconds = line.StartSeconds, EndSeconds = line.EndSeconds });
        foreach (var character in request.Characters)
        {
            var look = new CharacterLook { Name = character.Name, Slot = character.Slot };
            foreach (var (key, value) in character.Identity) look.Identity[key] = value;
            message.Characters.Add(look);
        }
        return message;
    }
}
