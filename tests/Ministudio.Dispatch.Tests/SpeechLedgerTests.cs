using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Dispatch.Money;
using Ministudio.TestSupport;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// Compose's speech spend (SpeechSynthesized) reaches dispatch's cost ledger over a real RabbitMQ broker: one row per
/// synthesis however often the announcement is delivered, shown by usage like video spend.
/// </summary>
public sealed class SpeechLedgerTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _tenant = Guid.NewGuid();
    private NpgsqlDataSource _database = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await LedgerDatabase.CreateAsync();
        var rabbit = new Uri(await TestInfrastructure.RabbitMqAsync());
        _services = new ServiceCollection()
            .AddSingleton(new CostLedger(_database))
            .AddLogging()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddConsumer<SpeechSynthesizedConsumer>();
                bus.UsingRabbitMq((context, broker) =>
                {
                    broker.Host(rabbit);
                    broker.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        await _services.GetTestHarness().Start();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _database.DisposeAsync();
    }

    private SpeechSynthesized Speech(Guid? job, string vendor, decimal cost, bool byok = false) =>
        new(Guid.CreateVersion7(), _tenant, job, vendor, vendor == "openai" ? "gpt-4o-mini-tts" : "Neural2", 120, 7.5, cost, byok);

    private async Task<long> RowsAsync(Guid id)
    {
        await using var command = _database.CreateCommand("SELECT count(*) FROM dispatch.cost_ledger WHERE id = $1 AND kind = 'speech' AND state = 'committed'");
        command.Parameters.Add(new() { Value = id });
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }

    [Fact]
    public async Task Each_synthesis_is_one_ledger_row_however_often_it_is_delivered_and_usage_shows_it()
    {
        var harness = _services.GetTestHarness();
        var job = Guid.NewGuid();
        var measured = Speech(job: null, "openai", 0.001875m);
        var composed = Speech(job, "google", 0.00192m);
        var ownKey = Speech(job, "google", 0.00192m, byok: true);

        // The same announcement three times (a redelivery, a publish retried after a lost ack): one row.
        foreach (var message in new[] { measured, measured, measured, composed, ownKey })
            await harness.Bus.Publish(message, Ct);
        // Every delivery consumed (the broker delivers them on its own schedule), then the rows counted.
        await Eventually.TrueAsync(() => harness.Consumed.Select<SpeechSynthesized>(m => m.Exception is null).Count() >= 5);

        foreach (var synthesis in new[] { measured, composed, ownKey }) Assert.Equal(1L, await RowsAsync(synthesis.SynthesisId));
        var ledger = _services.GetRequiredService<CostLedger>();
        var (from, to) = (DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal(
            [new UsageGroup("google", 0m, 0.00192m, 2, 0, 0.00192m), new UsageGroup("openai", 0m, 0.001875m, 1, 0, 0m)],
            await ledger.UsageAsync(_tenant, from, to, UsageGrouping.Vendor, Ct));
        // Speech measured at submission has no job yet; the film's own speech is its job's.
        var byJob = (await ledger.UsageAsync(_tenant, from, to, UsageGrouping.Job, Ct)).ToDictionary(g => g.Key, g => g.CommittedUsd + g.ByokUsd);
        Assert.Equal(new Dictionary<string, decimal> { [job.ToString()] = 0.00384m, [CostLedger.NoJob] = 0.001875m }, byJob);
        // Paid with the platform's keys, speech is the tenant's spend; on its own key it is not.
        Assert.Equal(0.00192m + 0.001875m, (await ledger.BudgetAsync(_tenant, Ct)).SpentThisMonthUsd);
    }
}
