using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Infrastructure;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Tenants;

/// <summary>A plan: limits a tenant runs under. Null limits are unlimited; no allowed providers means all of them.</summary>
/// <summary>
/// A plan; <paramref name="RetentionDays"/>: how long unreferenced films and clips are kept; <paramref name="PlatformKeyFallback"/>:
/// a shot whose tenant key (BYOK) a vendor refuses is made with the platform's key instead of failing.
/// </summary>
public sealed record Plan(string Name, int? RateLimitPerMinute, int? ConcurrentJobs, decimal? MonthlyBudgetUsd, IReadOnlyList<string> AllowedProviders,
    int? RetentionDays = null, bool PlatformKeyFallback = false);

public sealed record TenantView(Guid Id, string Name, string? Plan, DateTimeOffset CreatedAt);

/// <summary>An API key as listed: its display prefix only.</summary>
public sealed record ApiKeyView(Guid Id, string Prefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>A new key: the only time the key itself is shown.</summary>
public sealed record CreatedApiKey(Guid Id, string Key, string Prefix, string? Name, DateTimeOffset? ExpiresAt);

public enum AdminOutcome { Done, Created, TenantNotFound, PlanNotFound, KeyNotFound, NameTaken }

/// <summary>
/// Admin changes to tenants, plans and keys (provider secrets: <see cref="ProviderSecrets"/>). Each change writes its audit row, and a plan change
/// its TenantPlanChanged messages, in the change's own transaction.
/// </summary>
public sealed class TenantAdministration(NpgsqlDataSource dataSource, OutboxSignal outboxSignal)
{
    public async Task<(AdminOutcome Outcome, TenantView? Tenant)> CreateTenantAsync(string name, string? plan, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        Plan? assigned = null;
        if (plan is not null && (assigned = await FindPlanAsync(connection, transaction, plan, ct)) is null) return (AdminOutcome.PlanNotFound, null);
        await using var insert = new NpgsqlCommand(
            "INSERT INTO tenants (id, name, plan) VALUES (@id, @name, @plan) ON CONFLICT (name) DO NOTHING RETURNING created_at", connection, transaction);
        var id = Guid.CreateVersion7();
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("name", name);
        insert.Parameters.AddWithValue("plan", (object?)plan ?? DBNull.Value);
        if (await insert.ExecuteScalarAsync(ct) is not DateTime createdAt) return (AdminOutcome.NameTaken, null);
        var tenant = new TenantView(id, name, plan, new DateTimeOffset(createdAt, TimeSpan.Zero));
        await AuditLog.AppendAsync(connection, transaction, actor, "tenant.create", Target(id), null, tenant, ct);
        if (assigned is not null) await AnnouncePlanAsync(connection, transaction, id, assigned, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return (AdminOutcome.Created, tenant);
    }

    public async Task<IReadOnlyList<TenantView>> ListTenantsAsync(CancellationToken ct) => await QueryTenantsAsync(null, ct);

    public async Task<TenantView?> FindTenantAsync(Guid id, CancellationToken ct) => (await QueryTenantsAsync(id, ct)).SingleOrDefault();

    private async Task<IReadOnlyList<TenantView>> QueryTenantsAsync(Guid? id, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, name, plan, created_at FROM tenants WHERE @id::uuid IS NULL OR id = @id ORDER BY created_at, id");
        command.Parameters.Add(new NpgsqlParameter("id", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = (object?)id ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tenants = new List<TenantView>();
        while (await reader.ReadAsync(ct))
            tenants.Add(new(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        return tenants;
    }

    /// <summary>Creates or replaces a plan; every tenant on it hears about the change.</summary>
    public async Task<AdminOutcome> UpsertPlanAsync(Plan plan, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var before = await FindPlanAsync(connection, transaction, plan.Name, ct, forUpdate: true);
        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO plans (name, rate_limit_per_minute, concurrent_jobs, monthly_budget_usd, allowed_providers, retention_days, platform_key_fallback)
            VALUES (@name, @rate, @concurrent, @budget, @providers, @retention, @fallback)
            ON CONFLICT (name) DO UPDATE SET rate_limit_per_minute = @rate, concurrent_jobs = @concurrent,
                monthly_budget_usd = @budget, allowed_providers = @providers, retention_days = @retention, platform_key_fallback = @fallback, updated_at = now()
            """, connection, transaction))
        {
            upsert.Parameters.AddWithValue("name", plan.Name);
            upsert.Parameters.Add(new NpgsqlParameter("rate", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)plan.RateLimitPerMinute ?? DBNull.Value });
            upsert.Parameters.Add(new NpgsqlParameter("concurrent", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)plan.ConcurrentJobs ?? DBNull.Value });
            upsert.Parameters.Add(new NpgsqlParameter("budget", NpgsqlTypes.NpgsqlDbType.Numeric) { Value = (object?)plan.MonthlyBudgetUsd ?? DBNull.Value });
            upsert.Parameters.AddWithValue("providers", plan.AllowedProviders.ToArray());
            upsert.Parameters.Add(new NpgsqlParameter("retention", NpgsqlTypes.NpgsqlDbType.Integer) { Value = (object?)plan.RetentionDays ?? DBNull.Value });
            upsert.Parameters.AddWithValue("fallback", plan.PlatformKeyFallback);
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await AuditLog.AppendAsync(connection, transaction, actor, before is null ? "plan.create" : "plan.update", $"plan/{plan.Name}", before, plan, ct);
        foreach (var tenant in await TenantsOnPlanAsync(connection, transaction, plan.Name, ct))
            await AnnouncePlanAsync(connection, transaction, tenant, plan, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return before is null ? AdminOutcome.Created : AdminOutcome.Done;
    }

    public async Task<IReadOnlyList<Plan>> ListPlansAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"SELECT {PlanColumns} FROM plans ORDER BY name", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var plans = new List<Plan>();
        while (await reader.ReadAsync(ct)) plans.Add(ReadPlan(reader));
        return plans;
    }

    public async Task<AdminOutcome> AssignPlanAsync(Guid tenantId, string planName, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        string? before;
        await using (var select = new NpgsqlCommand("SELECT plan FROM tenants WHERE id = @id FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("id", tenantId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return AdminOutcome.TenantNotFound;
            before = reader.IsDBNull(0) ? null : reader.GetString(0);
        }
        if (await FindPlanAsync(connection, transaction, planName, ct) is not { } plan) return AdminOutcome.PlanNotFound;
        await using (var update = new NpgsqlCommand("UPDATE tenants SET plan = @plan WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("plan", planName);
            update.Parameters.AddWithValue("id", tenantId);
            await update.ExecuteNonQueryAsync(ct);
        }
        await AuditLog.AppendAsync(connection, transaction, actor, "tenant.plan", Target(tenantId), new { plan = before }, new { plan = planName }, ct);
        await AnnouncePlanAsync(connection, transaction, tenantId, plan, ct);
        await transaction.CommitAsync(ct);
        outboxSignal.Notify();
        return AdminOutcome.Done;
    }

    public async Task<(AdminOutcome Outcome, CreatedApiKey? Key)> CreateKeyAsync(
        Guid tenantId, string type, string? name, DateTimeOffset? expiresAt, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (!await TenantExistsAsync(connection, transaction, tenantId, ct)) return (AdminOutcome.TenantNotFound, null);
        var key = ApiKeys.Generate(type);
        var created = new CreatedApiKey(Guid.CreateVersion7(), key, TenantDirectory.PrefixOf(key), name, expiresAt);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO api_keys (id, tenant_id, prefix, key_hash, name, expires_at) VALUES (@id, @tenant, @prefix, @hash, @name, @expires)",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("id", created.Id);
            insert.Parameters.AddWithValue("tenant", tenantId);
            insert.Parameters.AddWithValue("prefix", created.Prefix);
            insert.Parameters.AddWithValue("hash", TenantDirectory.HashOf(key));
            insert.Parameters.AddWithValue("name", (object?)name ?? DBNull.Value);
            insert.Parameters.Add(new NpgsqlParameter("expires", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await AuditLog.AppendAsync(connection, transaction, actor, "key.create", $"{Target(tenantId)}/keys/{created.Id}", null,
            created with { Key = AuditLog.Redacted }, ct);
        await transaction.CommitAsync(ct);
        return (AdminOutcome.Created, created);
    }

    public async Task<IReadOnlyList<ApiKeyView>?> ListKeysAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!await TenantExistsAsync(connection, null, tenantId, ct)) return null;
        await using var command = new NpgsqlCommand(
            "SELECT id, prefix, name, created_at, expires_at, revoked_at FROM api_keys WHERE tenant_id = @tenant ORDER BY created_at, id", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var keys = new List<ApiKeyView>();
        while (await reader.ReadAsync(ct))
        {
            keys.Add(new ApiKeyView(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }
        return keys;
    }

    /// <summary>Revokes a key; revoking it again changes nothing and is not audited twice.</summary>
    public async Task<AdminOutcome> RevokeKeyAsync(Guid tenantId, Guid keyId, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var revoke = new NpgsqlCommand(
            """
            WITH key AS (SELECT id, revoked_at FROM api_keys WHERE id = @id AND tenant_id = @tenant FOR UPDATE)
            UPDATE api_keys k SET revoked_at = COALESCE(k.revoked_at, now()) FROM key WHERE k.id = key.id
            RETURNING key.revoked_at IS NULL
            """, connection, transaction);
        revoke.Parameters.AddWithValue("id", keyId);
        revoke.Parameters.AddWithValue("tenant", tenantId);
        if (await revoke.ExecuteScalarAsync(ct) is not bool newlyRevoked) return AdminOutcome.KeyNotFound;
        if (newlyRevoked)
            await AuditLog.AppendAsync(connection, transaction, actor, "key.revoke", $"{Target(tenantId)}/keys/{keyId}", new { revoked = false }, new { revoked = true }, ct);
        await transaction.CommitAsync(ct);
        return AdminOutcome.Done;
    }

    public static string Target(Guid tenantId) => $"tenant/{tenantId}";

    private static async Task AnnouncePlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, Plan plan, CancellationToken ct) =>
        await Outbox.EnqueueAsync(connection, transaction, new TenantPlanChanged(tenantId, plan.Name, plan.MonthlyBudgetUsd, plan.AllowedProviders, plan.PlatformKeyFallback), ct);

    private static async Task<Plan?> FindPlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct, bool forUpdate = false)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {PlanColumns} FROM plans WHERE name = @name{(forUpdate ? " FOR UPDATE" : "")}",
            connection, transaction);
        command.Parameters.AddWithValue("name", name);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadPlan(reader) : null;
    }

    private static Plan ReadPlan(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : reader.GetInt32(1),
        reader.IsDBNull(2) ? null : reader.GetInt32(2),
        reader.IsDBNull(3) ? null : reader.GetDecimal(3),
        reader.GetFieldValue<string[]>(4),
        reader.IsDBNull(5) ? null : reader.GetInt32(5),
        reader.GetBoolean(6));

    private const string PlanColumns = "name, rate_limit_per_minute, concurrent_jobs, monthly_budget_usd, allowed_providers, retention_days, platform_key_fallback";

    private static async Task<IReadOnlyList<Guid>> TenantsOnPlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string plan, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM tenants WHERE plan = @plan", connection, transaction);
        command.Parameters.AddWithValue("plan", plan);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var tenants = new List<Guid>();
        while (await reader.ReadAsync(ct)) tenants.Add(reader.GetGuid(0));
        return tenants;
    }

    internal static async Task<bool> TenantExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = @id)", connection, transaction);
        command.Parameters.AddWithValue("id", tenantId);
        return await command.ExecuteScalarAsync(ct) is true;
    }
}
