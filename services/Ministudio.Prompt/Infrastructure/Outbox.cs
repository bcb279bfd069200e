using System.Diagnostics;
using System.Text.Json;
using MassTransit;
using Ministudio.Contracts;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Infrastructure;

/// <summary>Writes messages into the outbox inside the caller's transaction.</summary>
public static class Outbox
{
    private const string Into = "INSERT INTO outbox (message_type, body, traceparent, tracestate)";
    private const string Insert = $"{Into} VALUES ($1, $2, $3, $4)";

    public static async Task EnqueueAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, T message, CancellationToken ct)
        where T : class
    {
        await using var command = new NpgsqlCommand(Insert, connection, transaction);
        command.Parameters.AddRange(Parameters(message));
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The same insert as a command of the caller's <see cref="NpgsqlBatch"/>, to go with its other writes in one round trip.</summary>
    public static NpgsqlBatchCommand Command<T>(T message) where T : class
    {
        var command = new NpgsqlBatchCommand(Insert);
        command.Parameters.AddRange(Parameters(message));
        return command;
    }

    /// <summary>
    /// <see cref="Command{T}"/> made only if <paramref name="condition"/> holds when the batch reaches it (SQL over the
    /// rows the batch wrote before it); its parameters are <c>$5</c>, <c>$6</c>… — e.g. a message only for a job the
    /// quota let start.
    /// </summary>
    public static NpgsqlBatchCommand CommandIf<T>(T message, string condition, params object[] conditionValues) where T : class
    {
        var command = new NpgsqlBatchCommand($"{Into} SELECT $1, $2, $3, $4 WHERE {condition}");
        command.Parameters.AddRange(Parameters(message));
        foreach (var value in conditionValues) command.Parameters.Add(new NpgsqlParameter { Value = value });
        return command;
    }

    private static NpgsqlParameter[] Parameters<T>(T message) where T : class
    {
        // Only W3C ids travel: they are what the relay can restore.
        var current = Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity : null;
        return
        [
            new() { Value = typeof(T).FullName! },
            new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Jsonb, Value = JsonSerializer.Serialize(message, JsonSerializerOptions.Web) },
            new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)current?.Id ?? DBNull.Value },
            new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)current?.TraceStateString ?? DBNull.Value },
        ];
    }
}

/// <summary>Wakes the relay right after a commit so messages leave without waiting for the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Notify()
    {
        if (_signal.CurrentCount == 0) _signal.Release();
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}

/// <summary>
/// Publishes outbox rows in order and deletes them in the same transaction. Rows are locked with SKIP LOCKED so
/// several replicas can relay at once; a crash between publish and commit re-publishes (at-least-once), and
/// consumers are idempotent.
/// </summary>
public sealed class OutboxRelay(NpgsqlDataSource dataSource, IBus bus, OutboxSignal signal, ILogger<OutboxRelay> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RelayBatchAsync(stoppingToken) > 0) continue;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Outbox relay failed; retrying");
            }
            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        // Held while the broker is awaited, by design: the row locks are what keep other relays off these rows until
        // they are deleted. One connection per replica, never waiting for a second, each publish bounded.
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var rows = new List<(long Id, string Type, string Body, string? TraceParent, string? TraceState)>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, message_type, body::text, traceparent, tracestate FROM outbox ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED", connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
        if (rows.Count == 0) return 0;

        foreach (var (_, typeName, body, traceParent, traceState) in rows)
        {
            var type = typeof(RenderShot).Assembly.GetType(typeName, throwOnError: true)!;
            var message = JsonSerializer.Deserialize(body, type, JsonSerializerOptions.Web)!;
            // Publish inside the trace of the request that wrote the row; MassTransit carries it on to the consumer.
            using var activity = ActivityContext.TryParse(traceParent, traceState, out var parent)
                ? MinistudioTelemetry.ActivitySource.StartActivity($"outbox publish {type.Name}", ActivityKind.Producer, parent)
                : null;
            await bus.PublishBoundedAsync(message, type, ct);
        }

        await using (var delete = new NpgsqlCommand("DELETE FROM outbox WHERE id = ANY(@ids)", connection, transaction))
        {
            delete.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
            await delete.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return rows.Count;
    }
}
