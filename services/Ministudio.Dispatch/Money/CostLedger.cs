using Ministudio.Contracts;
using Ministudio.Dispatch.Providers;
using Npgsql;
using NpgsqlTypes;

namespace Ministudio.Dispatch.Money;

/// <summary>A tenant's plan as dispatch last heard it.</summary>
public sealed record TenantPlan(string Plan, decimal? MonthlyBudgetUsd, IReadOnlyList<string> AllowedProviders, bool PlatformKeyFallback = false)
{
    public bool Allows(string vendor, string requested) =>
        AllowedProviders.Count == 0 || AllowedProviders.Contains(vendor) || AllowedProviders.Contains(requested);
}

/// <summary>A reservation that would take the tenant past this month's budget.</summary>
public sealed class BudgetExceededException(decimal budget, decimal spent, decimal estimate)
    : Exception($"This shot (estimated {estimate:0.####} USD) would exceed the monthly budget of {budget:0.##} USD; {spent:0.####} USD is spent or reserved.");

public enum UsageGrouping { Vendor, Day, Job }

/// <summary>Usage of one group; <paramref name="ByokUsd"/> is what attempts on the tenant's own vendor keys cost at list price, outside <paramref name="CommittedUsd"/>.</summary>
public sealed record UsageGroup(string Key, decimal ReservedUsd, decimal CommittedUsd, int Attempts, int CacheHits, decimal ByokUsd);

public sealed record BudgetStatus(decimal? MonthlyBudgetUsd, decimal SpentThisMonthUsd)
{
    public decimal? RemainingUsd => MonthlyBudgetUsd is { } budget ? Math.Max(0, budget - SpentThisMonthUsd) : null;
}

/// <summary>
/// What every vendor attempt costs, in PostgreSQL. A shot reserves its estimate before the vendor is called and
/// commits the actual cost (or releases the reservation) afterwards. Reservations of one tenant are serialized on the
/// tenant's plan row, so concurrent jobs see each other's reservations and never reserve past the budget; only the
/// difference between an estimate and the actual cost of the shots in flight can overshoot it.
/// </summary>
public sealed class CostLedger(NpgsqlDataSource dataSource)
{
    // Calendar month in UTC; reserved rows count at their estimate, committed ones at their actual cost; attempts the
    // tenant paid with its own key (BYOK) are not the platform's spend.
    private const string SpentThisMonth = """
        SELECT coalesce(sum(CASE state WHEN 'reserved' THEN estimate_usd WHEN 'committed' THEN actual_usd ELSE 0 END), 0)
        FROM dispatch.cost_ledger
        WHERE tenant_id = $1 AND NOT byok AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
        """;

    /// <summary>The job key of usage without a job: speech made while a film was submitted, before its job existed.</summary>
    public const string NoJob = "none";

    public async Task SetPlanAsync(TenantPlanChanged plan, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dispatch.tenant_plans (tenant_id, plan, monthly_budget_usd, allowed_providers, platform_key_fallback, updated_at)
            VALUES ($1, $2, $3, $4, $5, now())
            ON CONFLICT (tenant_id) DO UPDATE SET plan = excluded.plan, monthly_budget_usd = excluded.monthly_budget_usd,
                allowed_providers = excluded.allowed_providers, platform_key_fallback = excluded.platform_key_fallback, updated_at = now()
            """);
        command.Parameters.Add(new() { Value = plan.TenantId });
        command.Parameters.Add(new() { Value = plan.Plan });
        command.Parameters.Add(new() { Value = (object?)plan.MonthlyBudgetUsd ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Numeric });
        command.Parameters.Add(new() { Value = plan.AllowedProviders.ToArray() });
        command.Parameters.Add(new() { Value = plan.PlatformKeyFallback });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every ledger row of a tenant, oldest first, as a JSON array (its data export).</summary>
    public async Task<string> ExportTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT coalesce(jsonb_agg(to_jsonb(l) - 'tenant_id' ORDER BY l.created_at, l.id), '[]')::text
            FROM dispatch.cost_ledger l WHERE l.tenant_id = $1
            """);
        command.Parameters.Add(new() { Value = tenantId });
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Deletes the tenant's ledger rows and plan copy (erasure); returns how many ledger rows went.</summary>
    public async Task<int> EraseTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var ledger = new NpgsqlCommand("DELETE FROM dispatch.cost_ledger WHERE tenant_id = $1", connection, transaction) { Parameters = { new() { Value = tenantId } } };
        var rows = await ledger.ExecuteNonQueryAsync(ct);
        await using var plan = new NpgsqlCommand("DELETE FROM dispatch.tenant_plans WHERE tenant_id = $1", connection, transaction) { Parameters = { new() { Value = tenantId } } };
        await plan.ExecuteNonQueryAsync(ct);
        await transaction.CommitAsync(ct);
        return rows;
    }

    public async Task<TenantPlan?> PlanOfAsync(Guid tenantId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT plan, monthly_budget_usd, allowed_providers, platform_key_fallback FROM dispatch.tenant_plans WHERE tenant_id = $1");
        command.Parameters.Add(new() { Value = tenantId });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new TenantPlan(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetDecimal(1), reader.GetFieldValue<string[]>(2), reader.GetBoolean(3));
    }

    /// <summary>
    /// Reserves <paramref name="estimateUsd"/> for one attempt; throws <see cref="BudgetExceededException"/> when it does
    /// not fit. An attempt on the tenant's own key (the shot carries a <see cref="TenantSecret"/>) is recorded as BYOK and
    /// never checked against the platform budget.
    /// </summary>
    public async Task<Guid> ReserveAsync(ShotJob shot, string vendor, string model, decimal estimateUsd, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var byok = shot.TenantSecret is not null;
        decimal? budget = null;
        if (!byok)
        {
            await using var lockPlan = new NpgsqlCommand("SELECT monthly_budget_usd FROM dispatch.tenant_plans WHERE tenant_id = $1 FOR UPDATE", connection, transaction);
            lockPlan.Parameters.Add(new() { Value = shot.TenantId });
            budget = await lockPlan.ExecuteScalarAsync(ct) is decimal value ? value : null;
        }
        if (budget is { } limit)
        {
            await using var spentCommand = new NpgsqlCommand(SpentThisMonth, connection, transaction);
            spentCommand.Parameters.Add(new() { Value = shot.TenantId });
            var spent = (decimal)(await spentCommand.ExecuteScalarAsync(ct))!;
            if (spent + estimateUsd > limit) throw new BudgetExceededException(limit, spent, estimateUsd);
        }
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO dispatch.cost_ledger (id, tenant_id, job_id, shot_index, vendor, model, estimate_usd, state, byok)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 'reserved', $8)
            """, connection, transaction))
        {
            AddShot(insert, id, shot, vendor, model, estimateUsd);
            insert.Parameters.Add(new() { Value = byok });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return id;
    }

    public async Task CommitAsync(Guid reservation, string model, decimal actualUsd)
    {
        // Not cancelable: once the vendor delivered, the cost is real whatever happens to the shot.
        await using var command = dataSource.CreateCommand(
            "UPDATE dispatch.cost_ledger SET state = 'committed', model = $2, actual_usd = $3, settled_at = now() WHERE id = $1 AND state = 'reserved'");
        command.Parameters.Add(new() { Value = reservation });
        command.Parameters.Add(new() { Value = model });
        command.Parameters.Add(new() { Value = actualUsd });
        await command.ExecuteNonQueryAsync();
    }

    public async Task ReleaseAsync(Guid reservation)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE dispatch.cost_ledger SET state = 'released', actual_usd = 0, settled_at = now() WHERE id = $1 AND state = 'reserved'");
        command.Parameters.Add(new() { Value = reservation });
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The usage row of a job's shot served from the cache: named by the shot (the first 16 bytes of a SHA-256, marked
    /// as a version 8 UUID), so a redelivered hit, which takes no lease, is counted once.
    /// </summary>
    public static Guid CacheHitId(Guid jobId, int shotIndex)
    {
        Span<byte> name = stackalloc byte[20 + sizeof(int)];
        "hit:"u8.CopyTo(name);
        jobId.TryWriteBytes(name[4..], bigEndian: true, out _);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(name[20..], shotIndex);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(name, hash);
        hash[6] = (byte)(hash[6] & 0x0F | 0x80);
        hash[8] = (byte)(hash[8] & 0x3F | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>A shot served from the result cache: a committed row at zero cost, so usage shows it.</summary>
    public async Task RecordCacheHitAsync(ShotJob shot, string vendor, string model, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dispatch.cost_ledger (id, tenant_id, job_id, shot_index, vendor, model, estimate_usd, actual_usd, state, cache_hit, settled_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'committed', true, now())
            ON CONFLICT (id) DO NOTHING
            """);
        AddShot(command, CacheHitId(shot.JobId, shot.ShotIndex), shot, vendor, model, 0m);
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A synthesis compose made (speech): one committed row at its list price, marked BYOK when the tenant's own key
    /// paid. Its id is the synthesis id, so a redelivered announcement records nothing more; true when the row is new.
    /// Speech is not reserved against the budget beforehand (a line costs fractions of a cent), but counts as spend.
    /// </summary>
    public async Task<bool> RecordSpeechAsync(SpeechSynthesized speech, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO dispatch.cost_ledger (id, tenant_id, job_id, vendor, model, estimate_usd, actual_usd, state, byok, kind, characters, audio_seconds, settled_at)
            VALUES ($1, $2, $3, $4, $5, $6, $6, 'committed', $7, 'speech', $8, $9, now())
            ON CONFLICT (id) DO NOTHING
            """);
        command.Parameters.Add(new() { Value = speech.SynthesisId });
        command.Parameters.Add(new() { Value = speech.TenantId });
        command.Parameters.Add(new() { Value = (object?)speech.JobId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Uuid });
        command.Parameters.Add(new() { Value = speech.Vendor });
        command.Parameters.Add(new() { Value = speech.Model });
        command.Parameters.Add(new() { Value = speech.CostUsd });
        command.Parameters.Add(new() { Value = speech.Byok });
        command.Parameters.Add(new() { Value = speech.Characters });
        command.Parameters.Add(new() { Value = speech.Seconds });
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    public async Task<BudgetStatus> BudgetAsync(Guid tenantId, CancellationToken ct)
    {
        var plan = await PlanOfAsync(tenantId, ct);
        await using var command = dataSource.CreateCommand(SpentThisMonth);
        command.Parameters.Add(new() { Value = tenantId });
        return new BudgetStatus(plan?.MonthlyBudgetUsd, (decimal)(await command.ExecuteScalarAsync(ct))!);
    }

    /// <summary>A tenant's attempts created in [from, to), grouped; released attempts count as attempts at zero cost.</summary>
    public async Task<IReadOnlyList<UsageGroup>> UsageAsync(Guid tenantId, DateTimeOffset from, DateTimeOffset to, UsageGrouping grouping, CancellationToken ct)
    {
        var key = grouping switch
        {
            UsageGrouping.Day => "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            // Speech measured while a film was submitted has no job yet.
            UsageGrouping.Job => $"coalesce(job_id::text, '{NoJob}')",
            _ => "vendor",
        };
        await using var command = dataSource.CreateCommand($"""
            SELECT {key},
                   coalesce(sum(estimate_usd) FILTER (WHERE state = 'reserved' AND NOT byok), 0),
                   coalesce(sum(actual_usd) FILTER (WHERE state = 'committed' AND NOT byok), 0),
                   count(*) FILTER (WHERE NOT cache_hit)::int,
                   count(*) FILTER (WHERE cache_hit)::int,
                   coalesce(sum(actual_usd) FILTER (WHERE state = 'committed' AND byok), 0)
            FROM dispatch.cost_ledger
            WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
            GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.Add(new() { Value = tenantId });
        command.Parameters.Add(new() { Value = from.UtcDateTime });
        command.Parameters.Add(new() { Value = to.UtcDateTime });
        var groups = new List<UsageGroup>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            groups.Add(new UsageGroup(reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetDecimal(5)));
        return groups;
    }

    private static void AddShot(NpgsqlCommand command, Guid id, ShotJob shot, string vendor, string model, decimal estimateUsd)
    {
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = shot.TenantId });
        command.Parameters.Add(new() { Value = shot.JobId });
        command.Parameters.Add(new() { Value = shot.ShotIndex });
        command.Parameters.Add(new() { Value = vendor });
        command.Parameters.Add(new() { Value = model });
        command.Parameters.Add(new() { Value = estimateUsd });
    }
}
