using System.CommandLine;

namespace Ministudio.Cli;

/// <summary><c>ministudio admin tenants|keys|plans</c>: the operator's API, with the admin key.</summary>
public static class AdminCommands
{
    public static Command Create(MinistudioCli cli)
    {
        var admin = new Command("admin", "The operator's API (needs --admin-key or MINISTUDIO_ADMIN_KEY): tenants, their keys, plans.");

        var tenants = new Command("tenants", "Tenants.");
        var listTenants = new Command("list", "Every tenant.");
        listTenants.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var all = await client.ListTenantsAsync(ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(all);
            else foreach (var t in all) await cli.Output.WriteLineAsync($"{t.Id}  {t.Name}  {t.Plan ?? "-"}");
            return ExitCodes.Ok;
        }));
        tenants.Add(listTenants);
        var name = new Argument<string>("name") { Description = "The tenant's name." };
        var plan = new Option<string?>("--plan") { Description = "The plan to put it on." };
        var createTenant = new Command("create", "A new tenant.") { name, plan };
        createTenant.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var tenant = await client.CreateTenantAsync(parse.GetValue(name)!, parse.GetValue(plan), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(tenant);
            else await cli.Output.WriteLineAsync($"{tenant.Id}  {tenant.Name}  {tenant.Plan ?? "-"}");
            return ExitCodes.Ok;
        }));
        tenants.Add(createTenant);
        admin.Add(tenants);

        var keys = new Command("keys", "A tenant's API keys.");
        var listTenant = new Argument<Guid>("tenant") { Description = "The tenant's id." };
        var listKeys = new Command("list", "A tenant's keys (prefixes only; secrets are never shown again).") { listTenant };
        listKeys.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var all = await client.ListKeysAsync(parse.GetValue(listTenant), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(all);
            else foreach (var k in all) await cli.Output.WriteLineAsync($"{k.Id}  {k.Prefix}  {k.Name ?? "-"}  {(k.RevokedAt is null ? "active" : "revoked")}");
            return ExitCodes.Ok;
        }));
        keys.Add(listKeys);
        var createTenantId = new Argument<Guid>("tenant") { Description = "The tenant's id." };
        var keyName = new Option<string?>("--name") { Description = "What the key is for." };
        var keyType = new Option<string?>("--type") { Description = "live (default) or test." };
        keyType.AcceptOnlyFromAmong("live", "test");
        var createKey = new Command("create", "A new key; its secret is shown this once.") { createTenantId, keyName, keyType };
        createKey.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var key = await client.CreateKeyAsync(parse.GetValue(createTenantId), parse.GetValue(keyName), parse.GetValue(keyType), ct: ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(key);
            else await cli.Output.WriteLineAsync($"{key.Id}  {key.Key}  (shown this once)");
            return ExitCodes.Ok;
        }));
        keys.Add(createKey);
        var revokeTenant = new Argument<Guid>("tenant") { Description = "The tenant's id." };
        var revokeKey = new Argument<Guid>("key") { Description = "The key's id." };
        var revoke = new Command("revoke", "Revoke a key (takes effect at the gateway within its key cache lifetime).") { revokeTenant, revokeKey };
        revoke.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            await client.RevokeKeyAsync(parse.GetValue(revokeTenant), parse.GetValue(revokeKey), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(new { revoked = parse.GetValue(revokeKey) });
            else await cli.Output.WriteLineAsync($"revoked {parse.GetValue(revokeKey)}");
            return ExitCodes.Ok;
        }));
        keys.Add(revoke);
        admin.Add(keys);

        var plans = new Command("plans", "Plans: rate limits, concurrency, budgets, allowed providers.");
        var listPlans = new Command("list", "Every plan.");
        listPlans.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var all = await client.ListPlansAsync(ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(all);
            else
                foreach (var p in all)
                    await cli.Output.WriteLineAsync($"{p.Name}  {p.RateLimitPerMinute?.ToString() ?? "-"}/min  {p.ConcurrentJobs?.ToString() ?? "-"} jobs  " +
                                                    $"{(p.MonthlyBudgetUsd is { } b ? $"${b:0.00}/month" : "no budget")}  {(p.AllowedProviders.Count == 0 ? "all providers" : string.Join(",", p.AllowedProviders))}");
            return ExitCodes.Ok;
        }));
        plans.Add(listPlans);
        admin.Add(plans);
        return admin;
    }
}
