using System.Collections.Concurrent;
using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Ministudio.EndToEnd.Tests;

/// <summary>
/// A client transport that keeps every message the server sent, in the order it came off the wire.
/// </summary>
/// <remarks>
/// The SDK's client hands each incoming message to its own thread-pool work item, so a progress notice sent just
/// before a tool's result can reach a progress handler after the call has returned (and its handler is gone). What the
/// server promises — the last notice leaves before the result — is only visible in wire order (CI lost the final 100 %
/// twice on the client side while the server had sent it).
/// </remarks>
internal sealed class McpWireRecorder(IClientTransport inner) : IClientTransport
{
    private readonly ConcurrentQueue<JsonRpcMessage> received = new();

    public string Name => inner.Name;

    /// <summary>What the server sent so far, oldest first.</summary>
    public IReadOnlyList<JsonRpcMessage> Received => [.. received];

    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
        new Recording(await inner.ConnectAsync(cancellationToken), received);

    private sealed class Recording : ITransport
    {
        private readonly ITransport inner;
        private readonly Channel<JsonRpcMessage> relayed = Channel.CreateUnbounded<JsonRpcMessage>(new() { SingleReader = true, SingleWriter = true });
        private readonly Task pump;

        public Recording(ITransport inner, ConcurrentQueue<JsonRpcMessage> into)
        {
            this.inner = inner;
            pump = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in inner.MessageReader.ReadAllAsync())
                    {
                        into.Enqueue(message);
                        await relayed.Writer.WriteAsync(message);
                    }
                    relayed.Writer.TryComplete();
                }
                catch (Exception e)
                {
                    relayed.Writer.TryComplete(e);
                }
            });
        }

        public string? SessionId => inner.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => relayed.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default) =>
            inner.SendMessageAsync(message, cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await pump;
        }
    }
}
