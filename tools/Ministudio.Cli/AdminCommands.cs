using System.CommandLine;
using Ministudio.Client;

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
            await WriteTenantAsync(cli, parse, await client.CreateTenantAsync(parse.GetValue(name)!, parse.GetValue(plan), ct));
            return ExitCodes.Ok;
        }));
        tenants.Add(createTenant);
        var showTenant = new Argument<Guid>("tenant") { Description = "The tenant's id." };
        var show = new Command("show", "One tenant.") { showTenant };
        show.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            await WriteTenantAsync(cli, parse, await client.GetTenantAsync(parse.GetValue(showTenant), ct));
            return ExitCodes.Ok;
        }));
        tenants.Add(show);
        var assignTenant = new Argument<Guid>("tenant") { Description = "The tenant's id." };
        var assignPlan = new Argument<string>("plan") { Description = "The plan's name." };
        var assign = new Command("plan", "Put a tenant on a plan.") { assignTenant, assignPlan };
        assign.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            await WriteTenantAsync(cli, parse, await client.AssignPlanAsync(parse.GetValue(assignTenant), parse.GetValue(assignPlan)!, ct));
            return ExitCodes.Ok;
        }));
        tenants.Add(assign);
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
            else foreach (var p in all) await WritePlanAsync(cli, p);
            return ExitCodes.Ok;
        }));
        plans.Add(listPlans);
        plans.Add(SetPlan(cli));
        admin.Add(plans);
        return admin;
    }

    /// <summary><c>admin plans set &lt;name&gt; …</c>: creates or replaces a plan whole; a limit left out is none.</summary>
    private static Command SetPlan(MinistudioCli cli)
    {
        var name = new Argument<string>("name") { Description = "The plan's name." };
        var rate = new Option<int?>("--rate-limit") { Description = "Requests per minute (default: no limit)." };
        var jobs = new Option<int?>("--concurrent-jobs") { Description = "Jobs running at once (default: no limit)." };
        var budget = new Option<decimal?>("--monthly-budget") { Description = "USD per month (default: no budget)." };
        var providers = new Option<string[]>("--provider") { Description = "A vendor the plan may use; repeat for several (default: all).", AllowMultipleArgumentsPerToken = true };
        var retention = new Option<int?>("--retention-days") { Description = "Days films no unfinished job names are kept (default: forever)." };
        var fallback = new Option<bool>("--platform-key-fallback") { Description = "Make a shot with the platform's key when the tenant's own key is refused." };
        var set = new Command("set", "Create or replace a plan (every limit at once; one left out is none).") { name, rate, jobs, budget, providers, retention, fallback };
        set.SetAction(cli.WithAdminClient(async (parse, client, ct) =>
        {
            var plan = await client.UpsertPlanAsync(parse.GetValue(name)!, parse.GetValue(rate), parse.GetValue(jobs), parse.GetValue(budget),
                parse.GetValue(providers) ?? [], parse.GetValue(retention), parse.GetValue(fallback), ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(plan);
            else await WritePlanAsync(cli, plan);
            return ExitCodes.Ok;
        }));
        return set;
    }

    private static Task WritePlanAsync(MinistudioCli cli, Plan p) =>
        cli.Output.WriteLineAsync($"{p.Name}  {p.RateLimitPerMinute?.ToString() ?? "-"}/min  {p.ConcurrentJobs?.ToString() ?? "-"} jobs  " +
                                  $"{(p.MonthlyBudgetUsd is { } b ? $"${b:0.00}/month" : "no budget")}  {(p.AllowedProviders.Count == 0 ? "all providers" : string.Join(",", p.AllowedProviders))}" +
                                  $"{(p.RetentionDays is { } days ? $"  kept {days} days" : "")}{(p.PlatformKeyFallback ? "  platform key fallback" : "")}");

    private static async Task WriteTenantAsync(MinistudioCli cli, ParseResult parse, Tenant tenant)
    {
        if (cli.WantsJson(parse)) await cli.WriteJsonAsync(tenant);
        else await cli.Output.WriteLineAsync($"{tenant.Id}  {tenant.Name}  {tenant.Plan ?? "-"}");
    }
}
