using System.Diagnostics;
using MassTransit;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Clients.Tests;

/// <summary>
/// Plays dispatch's workers and compose on the test bus, so jobs finish without a renderer: every shot reports half-way
/// progress and then a real H.264 clip (made once by ffmpeg); every composition answers with that clip as the film; a
/// data export's request for the cost ledger gets dispatch's answer for a tenant without rows (no shot here is charged).
/// </summary>
public static class StandInStudio
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _clipHash;

    private static async Task<string> ClipAsync(ArtifactStore store, CancellationToken ct)
    {
        await Gate.WaitAsync(ct);
        try
        {
            if (_clipHash is not null && store.Contains(_clipHash)) return _clipHash;
            var file = Path.Combine(store.CreateScratchFolder(), "clip.mp4");
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg",
                ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=2:size=320x180:rate=12", "-c:v", "libx264", "-pix_fmt", "yuv420p", file])
                { RedirectStandardError = true })!;
            await ffmpeg.WaitForExitAsync(ct);
            if (ffmpeg.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed: {await ffmpeg.StandardError.ReadToEndAsync(ct)}");
            return _clipHash = await store.AddFileAsync(file, ct);
        }
        finally
        {
            Gate.Release();
        }
    }

    public sealed class Shots(ArtifactStore store) : IConsumer<RenderShot>
    {
        public async Task Consume(ConsumeContext<RenderShot> context)
        {
            var shot = context.Message;
            await context.Publish(new ShotProgressed(shot.JobId, shot.ShotIndex, 0.5, "drawing"));
            await Task.Delay(100, context.CancellationToken);
            await context.Publish(new ShotRendered(shot.JobId, shot.ShotIndex, await ClipAsync(store, context.CancellationToken), 2, false, "local"));
        }
    }

    public sealed class Compositions(ArtifactStore store) : IConsumer<ComposeFilm>
    {
        public async Task Consume(ConsumeContext<ComposeFilm> context) =>
            await context.Publish(new FilmComposed(context.Message.JobId, await ClipAsync(store, context.CancellationToken), 2));
    }

    public sealed class Ledgers : IConsumer<ExportTenantUsage>
    {
        public Task Consume(ConsumeContext<ExportTenantUsage> context) =>
            context.RespondAsync(new TenantUsageExported(context.Message.TenantId, "[]"));
    }
}
