using System.Diagnostics.Metrics;
using Ministudio.ServiceDefaults;

namespace Ministudio.Render.Rendering;

/// <summary>What this render instance has produced since it started (also exported as OpenTelemetry counters).</summary>
public sealed class RenderStats
{
    private static readonly Counter<long> Shots = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.render.shots", description: "Shots rendered.");
    private static readonly Counter<long> FramesCounter = MinistudioTelemetry.Meter.CreateCounter<long>("ministudio.render.frames", description: "Frames drawn and encoded.");

    private long _shots;
    private long _frames;

    public long ShotsRendered => Interlocked.Read(ref _shots);
    public long FramesRendered => Interlocked.Read(ref _frames);

    public void Record(int frames)
    {
        Interlocked.Increment(ref _shots);
        Interlocked.Add(ref _frames, frames);
        Shots.Add(1);
        FramesCounter.Add(frames);
    }
}
