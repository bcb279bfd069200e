using Ministudio.Platform;
using Ministudio.Prompt.Infrastructure;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Tenants;

/// <summary>
/// <c>Ministudio.Prompt bootstrap</c>: the Kubernetes bootstrap Job. Applies the schema, creates the first tenant
/// (<c>Bootstrap:Tenant</c>, default "default") and its first live API key, prints the key once and exits. Run again,
/// it changes nothing and prints no key (more keys: <c>POST /admin/v1/tenants/{id}/keys</c> with the operator key).
/// </summary>
public static class FirstTenantBootstrap
{
    public const string Command = "bootstrap";
    public const string TenantSetting = "Bootstrap:Tenant";
    public const string DefaultTenant = "default";
    private const string Actor = "bootstrap";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var tenantName = configuration[TenantSetting] is { Length: > 0 } configured ? configured.Trim() : DefaultTenant;

        await ActivatorUtilities.CreateInstance<DatabaseInitializer>(services).StartAsync(ct);
        output.WriteLine("Schema applied.");

        var administration = services.GetRequiredService<TenantAdministration>();
        var (outcome, tenant) = await administration.CreateTenantAsync(tenantName, plan: null, Actor, ct);
        if (outcome == AdminOutcome.NameTaken)
        {
            tenant = (await administration.ListTenantsAsync(ct)).Single(t => t.Name == tenantName);
            // A run cut off between the tenant and its key finishes the job; otherwise a second run prints nothing.
            if ((await administration.ListKeysAsync(tenant.Id, ct))?.Count > 0)
            {
                output.WriteLine($"Tenant '{tenantName}' ({tenant.Id}) exists and has keys: nothing to do, no key printed.");
                return 0;
            }
        }

        var (_, key) = await administration.CreateKeyAsync(tenant!.Id, ApiKeys.Live, "bootstrap", expiresAt: null, Actor, ct);
        output.WriteLine($"Tenant '{tenantName}' ({tenant.Id}) has its first API key; it is shown only this once, store it now:");
        output.WriteLine(key!.Key);
        return 0;
    }
}
