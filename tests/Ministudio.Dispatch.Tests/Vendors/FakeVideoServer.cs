using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Ministudio.TestSupport;

namespace Ministudio.Dispatch.Tests.Vendors;

/// <summary>A vendor task's state in the fake's script, mapped by each fake to its vendor's own wire status.</summary>
public abstract record FakeState
{
    public sealed record Queued : FakeState;

    public sealed record Running(double Progress) : FakeState;

    public sealed record Succeeded : FakeState;

    public sealed record Failed(FakeFailure Kind) : FakeState;
}

public enum FakeFailure
{
    /// <summary>The vendor's content filters refused the prompt or the output.</summary>
    Safety,

    /// <summary>Something broke inside the vendor.</summary>
    Internal,
}

/// <summary>
/// The base of every video vendor fake (on the shared <see cref="FakeVendorServer"/>): scripted task states (each poll
/// of a task advances one step; the last step repeats) and download links that die as soon as the task is polled
/// again, so an adapter must fetch a finished video at once.
/// </summary>
public abstract class FakeVideoServer : FakeVendorServer
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _polls = [];
    private readonly Dictionary<string, string> _downloadTokens = [];

    /// <summary>The states each task goes through, one per poll.</summary>
    public IReadOnlyList<FakeState> Script { get; set; } = [new FakeState.Queued(), new FakeState.Running(0.4), new FakeState.Running(0.8), new FakeState.Succeeded()];

    /// <summary>The MP4 every finished task delivers.</summary>
    public byte[] Video { get; private set; } = [];

    /// <summary>The vendor's own routes.</summary>
    protected abstract void MapVendorRoutes(WebApplication app);

    protected sealed override async Task PrepareAsync() => Video = await TestMedia.ClipAsync();

    protected sealed override void MapRoutes(WebApplication app)
    {
        app.MapGet("/_files/{task}/{file}", (string task, string file) =>
        {
            lock (_gate)
            {
                return _downloadTokens.TryGetValue(task, out var token) && file == $"{token}.mp4"
                    ? Results.Bytes(Video, "video/mp4")
                    : Results.Text("<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "application/xml", statusCode: 403);
            }
        });
        MapVendorRoutes(app);
    }

    /// <summary>This poll's state of a task: each call moves it one step along the script.</summary>
    protected FakeState Advance(string taskId)
    {
        lock (_gate)
        {
            var step = _polls.GetValueOrDefault(taskId);
            _polls[taskId] = step + 1;
            return Script[Math.Min(step, Script.Count - 1)];
        }
    }

    /// <summary>How many times a task has been polled.</summary>
    protected int Polls(string taskId)
    {
        lock (_gate) return _polls.GetValueOrDefault(taskId);
    }

    /// <summary>A fresh signed-looking link to the task's video; any earlier link to it stops working.</summary>
    protected string DownloadUrl(string taskId)
    {
        var token = Guid.NewGuid().ToString("N");
        lock (_gate) _downloadTokens[taskId] = token;
        return Url($"_files/{taskId}/{token}.mp4");
    }

    /// <summary>Invalidates a task's current link (a poll after completion mints a new one).</summary>
    protected void ExpireDownload(string taskId)
    {
        lock (_gate) _downloadTokens.Remove(taskId);
    }
}
