using System.Diagnostics;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.AppHost.Infrastructure;
using Ministudio.ServiceDefaults;
using RabbitMQ.Client;

namespace Ministudio.Chaos.Tests;

/// <summary>
/// The platform's RabbitMQ queues as the broker itself counts them (rabbitmqctl, on the AppHost's node), and what
/// MassTransit wrote on a message it moved to an <c>_error</c> queue: the explanation a scenario's failure prints.
/// </summary>
public sealed class BrokerQueues(ChaosPlatform platform)
{
    /// <summary>The suffix of the queue MassTransit moves a message to when its consumer faulted for good.</summary>
    public const string ErrorSuffix = "_error";

    private const string Ctl = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    /// <summary>Messages ready or unacknowledged per queue, by name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> DepthsAsync(CancellationToken ct)
    {
        var broker = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<RabbitMqServerResource>().Single();
        // The node's own environment: its cookie under HOME, its epmd port (the AppHost gives the broker both).
        var start = new ProcessStartInfo(Ctl, ["-n", $"{broker.Name}@localhost", "-q", "list_queues", "name", "messages", "--no-table-headers"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = Path.Combine(broker.WorkingDirectory, "home");
        start.Environment["ERL_EPMD_PORT"] = broker.EpmdPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var ctl = Process.Start(start)!;
        var output = ctl.StandardOutput.ReadToEndAsync(ct);
        var errors = ctl.StandardError.ReadToEndAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await ctl.WaitForExitAsync(limit.Token);
        if (ctl.ExitCode != 0) throw new InvalidOperationException($"rabbitmqctl list_queues exited {ctl.ExitCode}: {await errors}");
        return (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length == 2 && long.TryParse(fields[1], out _))
            .ToDictionary(fields => fields[0], fields => long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Why the first few messages of an <c>_error</c> queue faulted (MassTransit's MT-Fault-* headers) and what they
    /// were; the messages are left where they are (not acknowledged, so the broker requeues them).
    /// </summary>
    public async Task<string> FaultsInAsync(string queue, int messages, CancellationToken ct)
    {
        var factory = new ConnectionFactory { Uri = new Uri((await platform.App.GetConnectionStringAsync(ResourceNames.RabbitMq, ct))!) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var text = new StringBuilder();
        for (var i = 0; i < messages && await channel.BasicGetAsync(queue, autoAck: false, ct) is { } message; i++)
        {
            var headers = (message.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .Where(header => header.Key.StartsWith("MT-Fault", StringComparison.OrdinalIgnoreCase) || header.Key.StartsWith("MT-Reason", StringComparison.OrdinalIgnoreCase))
                .Select(header => $"{header.Key}: {Shorten(header.Value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : Convert.ToString(header.Value, System.Globalization.CultureInfo.InvariantCulture), 600)}");
            text.AppendLine($"  {queue} message {i + 1}: {string.Join(" | ", headers)}");
            text.AppendLine($"    body: {Shorten(Encoding.UTF8.GetString(message.Body.Span), 600)}");
        }
        return text.ToString();
    }

    private static string Shorten(string? text, int length) =>
        text is null ? "" : text.Length <= length ? text.ReplaceLineEndings(" ") : text[..length].ReplaceLineEndings(" ") + "…";
}
