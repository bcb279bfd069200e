using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Contracts.Vendors;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Ministudio.Prompt.Infrastructure;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// The operator's API: tenants, plans, keys, provider secrets, audit log, vendor models and their lifecycle. Routed by the gateway under /admin and
/// authenticated here with the admin key (<c>Admin:ApiKey</c>), never with a tenant key.
/// </summary>
public static partial class AdminApi
{
    public sealed record CreateTenantRequest(string? Name, string? Plan);
    public sealed record PlanRequest(int? RateLimitPerMinute, int? ConcurrentJobs, decimal? MonthlyBudgetUsd, IReadOnlyList<string>? AllowedProviders,
        int? RetentionDays = null, bool? PlatformKeyFallback = null);
    public sealed record AssignPlanRequest(string? Plan);
    public sealed record CreateKeyRequest(string? Name, string? Type, DateTimeOffset? ExpiresAt);
    public sealed record ProviderSecretRequest(string? Secret);

    public const int MaxNameLength = 100;
    public const int MaxSecretLength = 4096;
    public const int MaxAuditEntries = 1000;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1").WithTags("Admin").AddEndpointFilter<AdminKeyFilter>()
            .ProducesProblems(ProblemCodes.AdminDisabled, ProblemCodes.AdminKeyMissing, ProblemCodes.AdminKeyInvalid, ProblemCodes.AdminTenantKey);
        admin.MapPost("/tenants", CreateTenantAsync).DescribesBody<CreateTenantRequest>()
            .ProducesProblems(ProblemCodes.PlanNotFound, ProblemCodes.TenantNameTaken, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        admin.MapGet("/tenants", async (TenantAdministration tenants, CancellationToken ct) => TypedResults.Ok(await tenants.ListTenantsAsync(ct)));
        admin.MapGet("/tenants/{id:guid}", GetTenantAsync).ProducesProblems(ProblemCodes.TenantNotFound);
        admin.MapGet("/tenants/{id:guid}/export", ExportTenantAsync).Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblems(ProblemCodes.TenantNotFound, ProblemCodes.TenantExportUnavailable);
        admin.MapDelete("/tenants/{id:guid}", EraseTenantAsync).ProducesProblems(ProblemCodes.TenantNotFound);
        admin.MapPut("/tenants/{id:guid}/plan", AssignPlanAsync).DescribesBody<AssignPlanRequest>()
            .ProducesProblems(ProblemCodes.TenantNotFound, ProblemCodes.PlanNotFound, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        admin.MapPost("/tenants/{id:guid}/keys", CreateKeyAsync).DescribesBody<CreateKeyRequest>()
            .ProducesProblems(ProblemCodes.TenantNotFound, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        admin.MapGet("/tenants/{id:guid}/keys", ListKeysAsync).ProducesProblems(ProblemCodes.TenantNotFound);
        admin.MapDelete("/tenants/{id:guid}/keys/{keyId:guid}", RevokeKeyAsync).ProducesProblems(ProblemCodes.KeyNotFound);
        admin.MapPut("/tenants/{id:guid}/provider-secrets/{vendor}", SetProviderSecretAsync).DescribesBody<ProviderSecretRequest>()
            .ProducesProblems(ProblemCodes.ProviderUnknown, ProblemCodes.TenantNotFound, ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        admin.MapGet("/tenants/{id:guid}/provider-secrets", ListProviderSecretsAsync).ProducesProblems(ProblemCodes.TenantNotFound);
        admin.MapDelete("/tenants/{id:guid}/provider-secrets/{vendor}", RemoveProviderSecretAsync)
            .ProducesProblems(ProblemCodes.TenantNotFound, ProblemCodes.ProviderSecretNotFound);
        admin.MapGet("/plans", async (TenantAdministration tenants, CancellationToken ct) => TypedResults.Ok(await tenants.ListPlansAsync(ct)));
        admin.MapPut("/plans/{name}", UpsertPlanAsync).DescribesBody<PlanRequest>().ProducesProblems(ProblemCodes.Validation, ProblemCodes.RequestMalformedJson, ProblemCodes.RequestTooLarge);
        admin.MapGet("/audit", ListAuditAsync).ProducesProblems(ProblemCodes.Validation);
        admin.MapGet("/vendors", (TimeProvider time) => TypedResults.Ok(ListVendorModels(time)));
        return app;
    }

    public static async Task<Results<Created<TenantView>, ProblemHttpResult>> CreateTenantAsync(HttpContext context, TenantAdministration tenants, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateTenantRequest>(context, "a tenant", ct);
        if (problem is not null) return problem;
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request!.Name) || request.Name.Length > MaxNameLength || SafeText.Violation(request.Name, allowLineBreaks: false) is not null)
            errors.Add(new("name", "tenant.name_invalid", $"A tenant name is 1 to {MaxNameLength} printable characters."));
        if (request.Plan is not null && !PlanName().IsMatch(request.Plan))
            errors.Add(new("plan", "plan.name_invalid", PlanNameRule));
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var (outcome, tenant) = await tenants.CreateTenantAsync(request.Name!.Trim(), request.Plan, AdminKeyFilter.ActorOf(context), ct);
        return outcome switch
        {
            AdminOutcome.PlanNotFound => PlanNotFound(request.Plan!),
            AdminOutcome.NameTaken => ApiProblems.Problem(ProblemCodes.TenantNameTaken, $"'{request.Name}' is taken."),
            _ => TypedResults.Created($"/admin/v1/tenants/{tenant!.Id}", tenant),
        };
    }

    public static async Task<Results<Ok<TenantView>, ProblemHttpResult>> GetTenantAsync(Guid id, TenantAdministration tenants, CancellationToken ct) =>
        await tenants.FindTenantAsync(id, ct) is { } tenant ? TypedResults.Ok(tenant) : TenantNotFound(id);

    /// <summary>GDPR export: a zip of every row and file stored for the tenant (see <see cref="TenantData"/>).</summary>
    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> ExportTenantAsync(
        Guid id, HttpContext context, TenantData data, ArtifactStore artifacts, CancellationToken ct)
    {
        if (!await data.ExistsAsync(id, ct)) return TenantNotFound(id);
        var scratch = artifacts.CreateScratchFolder();
        context.Response.OnCompleted(() =>
        {
            Directory.Delete(scratch, recursive: true);
            return Task.CompletedTask;
        });
        var path = Path.Combine(scratch, "export.zip");
        try
        {
            await data.ExportAsync(id, path, ct);
        }
        catch (MassTransit.RequestTimeoutException)
        {
            return ApiProblems.Problem(ProblemCodes.TenantExportUnavailable, $"dispatch did not send the cost ledger within {TenantData.UsageTimeout.TotalSeconds} s.");
        }
        return TypedResults.PhysicalFile(path, "application/zip", $"tenant-{id}.zip");
    }

    /// <summary>GDPR erasure: every row, key, cached result and unshared file of the tenant; the audit keeps counts only.</summary>
    public static async Task<Results<Ok<TenantErasure>, ProblemHttpResult>> EraseTenantAsync(Guid id, HttpContext context, TenantData data, CancellationToken ct) =>
        await data.EraseAsync(id, AdminKeyFilter.ActorOf(context), ct) is { } erasure ? TypedResults.Ok(erasure) : TenantNotFound(id);

    public static async Task<Results<Ok<TenantView>, ProblemHttpResult>> AssignPlanAsync(Guid id, HttpContext context, TenantAdministration tenants, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<AssignPlanRequest>(context, "a plan assignment", ct);
        if (problem is not null) return problem;
        if (request!.Plan is null || !PlanName().IsMatch(request.Plan))
            return ApiProblems.Validation([new("plan", "plan.name_invalid", PlanNameRule)]);
        return await tenants.AssignPlanAsync(id, request.Plan, AdminKeyFilter.ActorOf(context), ct) switch
        {
            AdminOutcome.TenantNotFound => TenantNotFound(id),
            AdminOutcome.PlanNotFound => PlanNotFound(request.Plan),
            _ => TypedResults.Ok((await tenants.FindTenantAsync(id, ct))!),
        };
    }

    public static async Task<Results<Created<Plan>, Ok<Plan>, ProblemHttpResult>> UpsertPlanAsync(
        string name, HttpContext context, TenantAdministration tenants, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<PlanRequest>(context, "a plan", ct);
        if (problem is not null) return problem;
        var errors = new List<FieldError>();
        if (!PlanName().IsMatch(name)) errors.Add(new("name", "plan.name_invalid", PlanNameRule));
        if (request!.RateLimitPerMinute is <= 0)
            errors.Add(new("rateLimitPerMinute", "plan.limit_invalid", "A positive number of requests per minute, or null for no limit."));
        if (request.ConcurrentJobs is <= 0)
            errors.Add(new("concurrentJobs", "plan.limit_invalid", "A positive number of jobs, or null for no limit."));
        if (request.MonthlyBudgetUsd is < 0 or > 10_000_000_000m)
            errors.Add(new("monthlyBudgetUsd", "plan.budget_invalid", "A budget of 0 or more US dollars, or null for no budget."));
        if (request.RetentionDays is < 0 or > 36_500)
            errors.Add(new("retentionDays", "plan.retention_invalid", "Days (0 to 36500) a finished job keeps its film and clips, or null to keep them for good."));
        var providers = request.AllowedProviders ?? [];
        for (var i = 0; i < providers.Count; i++)
        {
            if (!VendorProfiles.All.ContainsKey(providers[i] ?? ""))
                errors.Add(new($"allowedProviders[{i}]", "plan.provider_unknown", $"'{providers[i]}' is not a provider; use one of {string.Join(", ", VendorProfiles.All.Keys)}."));
        }
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var plan = new Plan(name, request.RateLimitPerMinute, request.ConcurrentJobs, request.MonthlyBudgetUsd, providers.Distinct().Order().ToList(),
            request.RetentionDays, request.PlatformKeyFallback ?? false);
        return await tenants.UpsertPlanAsync(plan, AdminKeyFilter.ActorOf(context), ct) == AdminOutcome.Created
            ? TypedResults.Created($"/admin/v1/plans/{name}", plan)
            : TypedResults.Ok(plan);
    }

    public static async Task<Results<Created<CreatedApiKey>, ProblemHttpResult>> CreateKeyAsync(
        Guid id, HttpContext context, TenantAdministration tenants, TimeProvider clock, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateKeyRequest>(context, "an API key", ct);
        if (problem is not null) return problem;
        var errors = new List<FieldError>();
        var type = request!.Type ?? ApiKeys.Live;
        if (type is not (ApiKeys.Live or ApiKeys.Test))
            errors.Add(new("type", "key.type_invalid", $"A key is of type '{ApiKeys.Live}' or '{ApiKeys.Test}'."));
        if (request.Name is { } name && (name.Length > MaxNameLength || SafeText.Violation(name, allowLineBreaks: false) is not null))
            errors.Add(new("name", "key.name_invalid", $"A key name is at most {MaxNameLength} printable characters."));
        if (request.ExpiresAt is { } expiresAt && expiresAt <= clock.GetUtcNow())
            errors.Add(new("expiresAt", "key.expiry_in_past", "A key must expire in the future."));
        if (errors.Count > 0) return ApiProblems.Validation(errors);
        var (outcome, key) = await tenants.CreateKeyAsync(id, type, request.Name, request.ExpiresAt, AdminKeyFilter.ActorOf(context), ct);
        return outcome == AdminOutcome.TenantNotFound ? TenantNotFound(id) : TypedResults.Created($"/admin/v1/tenants/{id}/keys/{key!.Id}", key);
    }

    public static async Task<Results<Ok<IReadOnlyList<ApiKeyView>>, ProblemHttpResult>> ListKeysAsync(Guid id, TenantAdministration tenants, CancellationToken ct) =>
        await tenants.ListKeysAsync(id, ct) is { } keys ? TypedResults.Ok(keys) : TenantNotFound(id);

    /// <summary>Revoked keys stop authenticating within the gateway's key-cache lifetime.</summary>
    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(
        Guid id, Guid keyId, HttpContext context, TenantAdministration tenants, CancellationToken ct) =>
        await tenants.RevokeKeyAsync(id, keyId, AdminKeyFilter.ActorOf(context), ct) == AdminOutcome.KeyNotFound
            ? ApiProblems.Problem(ProblemCodes.KeyNotFound, $"Tenant {id} has no key {keyId}.")
            : TypedResults.NoContent();

    public static async Task<Results<NoContent, ProblemHttpResult>> SetProviderSecretAsync(
        Guid id, string vendor, HttpContext context, ProviderSecrets secrets, CancellationToken ct)
    {
        // Video vendors (dispatch pays them) and speech vendors (compose pays them) take a tenant's own key.
        var vendors = VendorProfiles.All.Keys.Concat(VendorCatalogue.Shipped.Speech.Keys.Where(v => !VendorProfiles.All.ContainsKey(v))).ToList();
        if (!vendors.Contains(vendor))
            return ApiProblems.Problem(ProblemCodes.ProviderUnknown, $"'{vendor}' is not a provider; use one of {string.Join(", ", vendors)}.");
        var (request, problem) = await JsonBody.ReadAsync<ProviderSecretRequest>(context, "a provider secret", ct);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Secret) || request.Secret.Length > MaxSecretLength)
            return ApiProblems.Validation([new("secret", "provider_secret.invalid", $"A secret is 1 to {MaxSecretLength} characters.")]);
        return await secrets.SetAsync(id, vendor, request.Secret, AdminKeyFilter.ActorOf(context), ct) == AdminOutcome.TenantNotFound
            ? TenantNotFound(id)
            : TypedResults.NoContent();
    }

    /// <summary>The vendors the tenant pays with its own key (BYOK) and when each key was set; never the keys.</summary>
    public static async Task<Results<Ok<IReadOnlyList<ProviderSecretView>>, ProblemHttpResult>> ListProviderSecretsAsync(Guid id, ProviderSecrets secrets, CancellationToken ct) =>
        await secrets.ListAsync(id, ct) is { } views ? TypedResults.Ok(views) : TenantNotFound(id);

    public static async Task<Results<NoContent, ProblemHttpResult>> RemoveProviderSecretAsync(
        Guid id, string vendor, HttpContext context, ProviderSecrets secrets, CancellationToken ct)
    {
        return await secrets.RemoveAsync(id, vendor, AdminKeyFilter.ActorOf(context), ct) switch
        {
            AdminOutcome.TenantNotFound => TenantNotFound(id),
            AdminOutcome.KeyNotFound => ApiProblems.Problem(ProblemCodes.ProviderSecretNotFound, $"The tenant holds no key of its own for '{vendor}'."),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<AuditEntry>>, ProblemHttpResult>> ListAuditAsync(int? limit, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        if (limit is < 1 or > MaxAuditEntries)
            return ApiProblems.Validation([new("limit", "audit.limit_invalid", $"Between 1 and {MaxAuditEntries}.")]);
        return TypedResults.Ok(await AuditLog.ListAsync(dataSource, limit ?? 100, ct));
    }

    private const string PlanNameRule = "A plan name is 1 to 63 lower-case letters, digits, '-' or '_', starting with a letter or digit.";

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex PlanName();

    private static ProblemHttpResult TenantNotFound(Guid id) =>
        ApiProblems.Problem(ProblemCodes.TenantNotFound, $"There is no tenant {id}.");

    private static ProblemHttpResult PlanNotFound(string plan) =>
        ApiProblems.Problem(ProblemCodes.PlanNotFound, $"There is no plan '{plan}'; create it with PUT /admin/v1/plans/{plan}.");
}

/// <summary>
/// Admits requests carrying the admin key. Keys are compared as SHA-256 digests in constant time, so neither the
/// key's content nor its length leaks through timing. A tenant key is recognised and refused with its own code.
/// </summary>
public sealed class AdminKeyFilter(IConfiguration configuration) : IEndpointFilter
{
    public const string KeySetting = "Admin:ApiKey";
    public const int MinKeyLength = 32;
    private const string ActorItem = "ministudio.admin.actor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (configuration[KeySetting] is not { Length: > 0 } configured)
            return ApiProblems.Problem(ProblemCodes.AdminDisabled, title: $"The admin API is off: no {KeySetting} is configured.");
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Unauthorized(http, ProblemCodes.AdminKeyMissing);
        var presented = authorization["Bearer ".Length..].Trim();
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(configured));
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected))
        {
            return ApiKeys.IsWellFormed(presented)
                ? ApiProblems.Problem(ProblemCodes.AdminTenantKey)
                : Unauthorized(http, ProblemCodes.AdminKeyInvalid);
        }
        // The key's digest names the actor without revealing the key, and tells rotated keys apart.
        http.Items[ActorItem] = $"admin:{Convert.ToHexStringLower(expected)[..8]}";
        return await next(context);
    }

    public static string ActorOf(HttpContext context) => context.Items[ActorItem] as string ?? "admin";

    private static ProblemHttpResult Unauthorized(HttpContext context, ProblemCode problem)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.Problem(problem);
    }
}
