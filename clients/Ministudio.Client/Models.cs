using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ministudio.Client;

/// <summary>Job states as the API spells them.</summary>
public static class JobStatuses
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    public static bool IsFinal(string status) => status is Succeeded or Failed or Canceled;
}

/// <summary>A job: a film being made or a timeline being composed (<c>GET /v1/jobs/{id}</c>).</summary>
public sealed record Job(
    Guid Id,
    string Title,
    string Status,
    string Stage,
    double Progress,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<Shot> Shots,
    IReadOnlyList<CompileWarning> Warnings,
    Video? Video,
    JobError? Error,
    IReadOnlyList<Deliverable>? Deliverables = null)
{
    public bool IsFinal => JobStatuses.IsFinal(Status);
}

/// <summary>
/// A shot of a job. <c>ShotIndex</c> (JSON <c>shot</c>) is the film's shot it makes: a shot longer than its provider makes is made as several,
/// its <c>Part</c>s 1 to <c>Parts</c>. <c>State</c> is the characters' and environment's state in force during it.
/// </summary>
public sealed record Shot(
    int Index, string Status, double Progress, bool FromCache, string? Provider, double? DurationSeconds, string Prompt, JobError? Error, int Chain, string? ClipSha256,
    [property: JsonPropertyName("shot")] int ShotIndex = 0, int Part = 1, int Parts = 1, ShotState? State = null);

/// <summary>The state in force during a shot: its characters' and the environment's.</summary>
public sealed record ShotState(IReadOnlyList<CharacterInState> Characters, EnvironmentState Environment);

public sealed record CharacterInState(string Name, CharacterState State);

public sealed record CharacterState(string? Clothing, string? Equipment, string? Emotion, string? Posture);

public sealed record EnvironmentState(string? TimeOfDay, string? Weather, string? Lighting);

public sealed record Video(string Url, string Sha256, double DurationSeconds);

/// <summary>A file a finished job can be downloaded as: the film (<c>video</c>), compose's files, each shot's clip.</summary>
public sealed record Deliverable(string Name, string Url, string Sha256, string MediaType);

/// <summary>Why a job or shot failed; <paramref name="Retryable"/>: submitting the same film again may succeed.</summary>
public sealed record JobError(string Code, string Message, bool Retryable);

public sealed record CompileWarning(int Shot, string Code, string Message);

public sealed record JobSummary(Guid Id, string Title, string Status, string Stage, double Progress, int ShotCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, JobError? Error);

/// <summary>One page of a list, newest first; pass <see cref="NextPageToken"/> for the next (null: the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken);

/// <summary>The dry run of a film: each shot's prompt and provider request (kept as JSON), and what was adapted.</summary>
public sealed record CompileResult(IReadOnlyList<CompiledShot> Shots, IReadOnlyList<CompileWarning> Warnings);

public sealed record CompiledShot(int Index, int Chain, string Prompt, JsonElement Request, [property: JsonPropertyName("shot")] int ShotIndex = 0, int Part = 1, int Parts = 1, ShotState? State = null);

public sealed record Batch(Guid Id, string Status, string OnInvalid, BatchCounts Counts, double Progress, DateTimeOffset CreatedAt, DateTimeOffset? CanceledAt);

public sealed record BatchCounts(int Total, int Queued, int Running, int Succeeded, int Failed, int Canceled, int Invalid);

public sealed record LineErrors(int Line, IReadOnlyList<FieldError> Errors);

public sealed record BatchAccepted(Batch Batch, IReadOnlyList<LineErrors> Skipped);

/// <summary>A library item (character, environment, style, template): its id, name and the item itself as JSON.</summary>
public sealed record LibraryItem(Guid Id, string Name, JsonElement Item, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The kinds of library item, as their routes name them. A tenant's styles are its style packs; its templates are
/// listed with the built-in ones (<c>ListTemplatesAsync</c>).
/// </summary>
public static class LibraryKinds
{
    public const string Characters = "characters";
    public const string Environments = "environments";
    public const string Styles = "styles";
    public const string Templates = "templates";

    public static readonly IReadOnlyList<string> All = [Characters, Environments, Styles, Templates];
}

public sealed record ReferenceImage(string Sha256, string ContentType, long Bytes);

/// <summary>What a film may name as its provider today: the chains (fallback orders) and the vendors.</summary>
public sealed record ProviderChoices(IReadOnlyList<string> Chains, IReadOnlyList<string> Vendors);

/// <summary>A webhook endpoint; <see cref="Secret"/> only in the answers that create or rotate it.</summary>
public sealed record Webhook(Guid Id, string Url, IReadOnlyList<string> Events, bool Enabled, DateTimeOffset CreatedAt,
    DateTimeOffset? PreviousSecretExpiresAt, string? Secret = null);

/// <summary>The events a webhook can subscribe to.</summary>
public static class WebhookEvents
{
    public const string JobSucceeded = "job.succeeded";
    public const string JobFailed = "job.failed";
    public const string JobCanceled = "job.canceled";
}

/// <summary>One event for one webhook; <see cref="Id"/> is the webhook-id header its receiver saw.</summary>
public sealed record WebhookDelivery(string Id, string EventType, string Status, int Attempts, int? LastStatusCode, string? LastError,
    DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record UsageReport(DateTimeOffset From, DateTimeOffset To, string GroupBy, IReadOnlyList<UsageGroup> Groups, UsageTotals Totals, UsageBudget Budget);

public sealed record UsageGroup(string Key, decimal ReservedUsd, decimal CommittedUsd, int Attempts, int CacheHits, decimal ByokUsd = 0);

public sealed record UsageTotals(decimal ReservedUsd, decimal CommittedUsd, int Attempts, int CacheHits, decimal ByokUsd = 0);

public sealed record UsageBudget(decimal? MonthlyBudgetUsd, decimal SpentThisMonthUsd, decimal? RemainingUsd);

public sealed record EstimateReport(IReadOnlyList<ShotEstimate> Shots, decimal TotalUsd, bool Complete);

public sealed record ShotEstimate(int Index, string? Vendor, string? Model, double? BilledSeconds, decimal? Usd, string? Code, string? Reason);

// Operator API (/admin/v1, the admin key).

public sealed record Tenant(Guid Id, string Name, string? Plan, DateTimeOffset CreatedAt);

public sealed record Plan(string Name, int? RateLimitPerMinute, int? ConcurrentJobs, decimal? MonthlyBudgetUsd, IReadOnlyList<string> AllowedProviders,
    int? RetentionDays = null, bool PlatformKeyFallback = false);

/// <summary>What erasing a tenant removed: rows per table, and the files no other tenant named.</summary>
public sealed record TenantErasure(Guid TenantId, IReadOnlyDictionary<string, int> Rows, int FilesDeleted, int FilesKeptShared);

/// <summary>One operator action of the append-only audit log, with the state before and after.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Target, JsonElement? Before, JsonElement? After, string? TraceId);

/// <summary>A vendor the tenant pays with its own key, and when the key was set; the key itself is never returned.</summary>
public sealed record ProviderSecret(string Vendor, DateTimeOffset UpdatedAt);

public sealed record ApiKey(Guid Id, string Prefix, string? Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>A new key: <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedApiKey(Guid Id, string Key, string Prefix, string? Name, DateTimeOffset? ExpiresAt);
