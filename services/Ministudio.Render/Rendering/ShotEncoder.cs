using System.Diagnostics;
using System.Diagnostics.Metrics;
using FFMpegCore;
using FFMpegCore.Enums;
using FFMpegCore.Pipes;
using Ministudio.Contracts.Render;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>Draws a shot frame by frame straight into ffmpeg (libx264, yuv420p, constant frame rate) and stores the MP4.</summary>
public sealed class ShotEncoder(ArtifactStore artifacts, RenderStats stats)
{
    private static readonly Histogram<double> RenderSeconds = MinistudioTelemetry.Meter.CreateHistogram<double>(
        "ministudio.render.duration", "s", "Wall time to draw and encode one shot.");

    /// <summary>Renders the shot; <paramref name="progress"/> hears about every frame drawn. Cancelling stops ffmpeg and keeps no file.</summary>
    public async Task<RenderCompleted> RenderAsync(RenderShotRequest request, Action<int, int> progress, CancellationToken ct)
    {
        var stopwatch = Stopwatch.StartNew();
        var scratch = artifacts.CreateScratchFolder();
        try
        {
            using var firstFrame = request.FirstFrameArtifact is { Length: > 0 } previous
                ? await LastFrameAsync(await artifacts.FetchAsync(previous, ct)
                    ?? throw new FileNotFoundException($"The first frame's clip {previous} left the artifact store."), scratch, ct)
                : null;
            using var frames = new ShotFrames(request, firstFrame);
            var output = Path.Combine(scratch, "shot.mp4");
            var source = new RawVideoPipeSource(Frames(frames, progress, ct)) { FrameRate = request.Fps };
            await FFMpegArguments
                .FromPipeInput(source)
                .OutputToFile(output, overwrite: true, options => options
                    .WithVideoCodec(VideoCodec.LibX264)
                    .WithConstantRateFactor(20)
                    .WithPixelFormat("yuv420p")
                    .WithFrameRate(request.Fps)
                    .WithFastStart()
                    .WithThreads(Environment.ProcessorCount)
                    .WithCustomArgument("-preset veryfast"))
                .CancellableThrough(ct)
                .ProcessAsynchronously(throwOnError: true);
            ct.ThrowIfCancellationRequested();

            var hash = await artifacts.AddFileAsync(output, ct);
            stats.Record(frames.FrameCount);
            RenderSeconds.Record(stopwatch.Elapsed.TotalSeconds);
            return new RenderCompleted
            {
                ArtifactHash = hash,
                DurationSeconds = frames.FrameCount / (double)request.Fps,
                Width = frames.Width,
                Height = frames.Height,
                Frames = frames.FrameCount,
            };
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>The true last frame of a clip (ffmpeg keeps overwriting one image until the stream ends).</summary>
    private static async Task<SKBitmap> LastFrameAsync(string clip, string scratch, CancellationToken ct)
    {
        var image = Path.Combine(scratch, "last-frame.png");
        await FFMpegArguments
            .FromFileInput(clip, verifyExists: true, options => options.WithCustomArgument("-sseof -1"))
            .OutputToFile(image, overwrite: true, options => options.WithCustomArgument("-update 1"))
            .CancellableThrough(ct)
            .ProcessAsynchronously(throwOnError: true);
        return SKBitmap.Decode(image) ?? throw new InvalidOperationException($"Could not read the last frame of {Path.GetFileName(clip)}.");
    }

    private static IEnumerable<IVideoFrame> Frames(ShotFrames frames, Action<int, int> progress, CancellationToken ct)
    {
        var frame = new PipeFrame(frames);
        for (var index = 0; index < frames.FrameCount; index++)
        {
            // Cancellation is honoured between frames.
            ct.ThrowIfCancellationRequested();
            frame.Index = index;
            yield return frame;
            progress(index + 1, frames.FrameCount);
        }
    }

    /// <summary>One reusable frame that is drawn only when ffmpeg's pipe asks for its bytes.</summary>
    private sealed class PipeFrame(ShotFrames frames) : IVideoFrame
    {
        private readonly byte[] _buffer = new byte[frames.Width * frames.Height * 4];

        public int Index { get; set; }
        public int Width => frames.Width;
        public int Height => frames.Height;
        public string PixelFormat => "rgba";

        public void Serialize(Stream pipe)
        {
            frames.Draw(Index).CopyTo(_buffer);
            pipe.Write(_buffer);
        }

        public async Task SerializeAsync(Stream pipe, CancellationToken token)
        {
            frames.Draw(Index).CopyTo(_buffer);
            await pipe.WriteAsync(_buffer, token);
        }
    }
}
