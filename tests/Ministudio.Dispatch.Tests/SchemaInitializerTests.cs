using Microsoft.Extensions.Logging.Abstractions;
using Ministudio.Dispatch.Money;
using Npgsql;

namespace Ministudio.Dispatch.Tests;

/// <summary>
/// A restarted replica applying the schema while the others work: with the script already applied it takes no table
/// lock, so it neither waits for nor deadlocks with live transactions (chaos R1: a restarted prompt died at start-up).
/// </summary>
public sealed class SchemaInitializerTests
{
    [Fact]
    public async Task A_start_with_the_schema_already_applied_takes_no_lock_that_live_traffic_holds()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var dataSource = await LedgerDatabase.CreateAsync();

        // Live traffic: a transaction holding a row lock on the ledger, as a consumer recording a shot does.
        await using var live = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await live.BeginTransactionAsync(ct);
        await using (var hold = new NpgsqlCommand("LOCK TABLE dispatch.cost_ledger IN ROW EXCLUSIVE MODE", live, transaction))
            await hold.ExecuteNonQueryAsync(ct);

        // Re-applying the DDL would wait for an ACCESS EXCLUSIVE lock behind that transaction (5 s lock timeout, then retries).
        var restart = new DatabaseInitializer(dataSource, NullLogger<DatabaseInitializer>.Instance).StartAsync(ct);
        var finished = await Task.WhenAny(restart, Task.Delay(TimeSpan.FromSeconds(3), ct));
        Assert.Same(restart, finished);
        await restart;
        await transaction.RollbackAsync(ct);

        await using var versions = dataSource.CreateCommand("SELECT count(*) FROM public.schema_versions WHERE service = 'dispatch'");
        Assert.Equal(1L, (long)(await versions.ExecuteScalarAsync(ct))!);
    }
}
