using Grpc.Core;
using Microsoft.Extensions.Options;
using Ministudio.Contracts.Render;
using Ministudio.Dispatch.Providers;

namespace Ministudio.Dispatch.Tests;

/// <summary>A render service that is away for a moment (killed mid-shot, restarting) costs the shot a retry, not the shot.</summary>
public sealed class LocalRenderProviderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LocalRenderProvider Provider(RenderService render, TimeSpan retryFor) => new(
        new Renderer.RendererClient(render),
        Options.Create(new RenderCallOptions { RetryFor = retryFor, FirstBackOff = TimeSpan.FromMilliseconds(20) }),
        TimeProvider.System);

    [Fact]
    public async Task A_render_that_went_away_mid_shot_is_called_again_until_it_answers()
    {
        // The first two calls fail as calls to a killed render do, until it is back.
        var render = new RenderService(StatusCode.Unavailable, StatusCode.Unavailable);
        var progress = new List<ProviderProgress>();
        var clip = await Provider(render, TimeSpan.FromSeconds(30))
            .GenerateAsync(new ShotJob(Guid.NewGuid(), 0, Requests.Unique()), new Progress<ProviderProgress>(progress.Add), Ct);
        Assert.Equal(("clip-3", 3), (clip.ArtifactHash, render.Calls));
    }

    [Fact]
    public async Task A_render_that_stays_away_fails_the_shot_retryably_once_the_retry_window_is_spent()
    {
        var render = new RenderService(Enumerable.Repeat(StatusCode.Unavailable, 1000).ToArray());
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider(render, TimeSpan.FromMilliseconds(300))
            .GenerateAsync(new ShotJob(Guid.NewGuid(), 0, Requests.Unique()), new Progress<ProviderProgress>(), Ct));
        Assert.Equal((LocalRenderProvider.UnavailableCode, true), (error.Code, error.Retryable));
        Assert.InRange(render.Calls, 2, 20);
    }

    [Fact]
    public async Task A_refused_request_is_not_retried()
    {
        var render = new RenderService(StatusCode.InvalidArgument);
        var error = await Assert.ThrowsAsync<ProviderException>(() => Provider(render, TimeSpan.FromSeconds(30))
            .GenerateAsync(new ShotJob(Guid.NewGuid(), 0, Requests.Unique()), new Progress<ProviderProgress>(), Ct));
        Assert.Equal(("render.invalid_request", false, 1), (error.Code, error.Retryable, render.Calls));
    }

    /// <summary>Render's RenderShot stream: fails with the given codes, one per call, then renders (one progress, then the clip).</summary>
    private sealed class RenderService(params StatusCode[] failures) : CallInvoker
    {
        private int _calls;

        public int Calls => _calls;

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
        {
            var call = Interlocked.Increment(ref _calls);
            var replies = call <= failures.Length
                ? new Replies(new RpcException(new Status(failures[call - 1], "render went away")))
                : new Replies(null,
                    new RenderShotReply { Progress = new RenderProgress { FramesDone = 1, FramesTotal = 2, Stage = "drawing" } },
                    new RenderShotReply { Completed = new RenderCompleted { ArtifactHash = $"clip-{call}", DurationSeconds = 3 } });
            return new AsyncServerStreamingCall<TResponse>((IAsyncStreamReader<TResponse>)(object)replies,
                Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) => throw new NotSupportedException();
        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) => throw new NotSupportedException();
    }

    private sealed class Replies(RpcException? failure, params RenderShotReply[] replies) : IAsyncStreamReader<RenderShotReply>
    {
        private int _next = -1;

        public RenderShotReply Current => replies[_next];

        public Task<bool> MoveNext(CancellationToken cancellationToken) =>
            failure is not null ? Task.FromException<bool>(failure) : Task.FromResult(++_next < replies.Length);
    }
}
