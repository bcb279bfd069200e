namespace Ministudio.Client;

/// <summary>
/// The stable <c>code</c> of every problem the API answers with (the server's catalogue; a test keeps the two equal).
/// Compare <see cref="MinistudioProblemException.Code"/> with these.
/// </summary>
public static class ProblemCodes
{
    public const string AuthKeyMissing = "auth.key_missing";
    public const string AuthKeyInvalid = "auth.key_invalid";
    public const string AuthUnavailable = "auth.unavailable";
    public const string AuthTenantMissing = "auth.tenant_missing";
    public const string AuthAssertionMissing = "auth.assertion_missing";
    public const string AuthAssertionInvalid = "auth.assertion_invalid";
    public const string AuthServiceForbidden = "auth.service_forbidden";
    public const string DocumentUnavailable = "openapi.unavailable";
    public const string RateLimitExceeded = "rate_limit.exceeded";
    public const string RequestMalformedJson = "request.malformed_json";
    public const string RequestTooLarge = "request.too_large";
    public const string RequestInvalid = "request.invalid";
    public const string RequestBodyIncomplete = "request.body_incomplete";
    public const string RequestNotFound = "request.not_found";
    public const string RequestMethodNotAllowed = "request.method_not_allowed";
    public const string RequestUnsupportedMediaType = "request.unsupported_media_type";
    public const string RequestRejected = "request.rejected";
    public const string RequestCanceled = "request.canceled";
    public const string ServerError = "server.error";
    public const string UpstreamUnavailable = "upstream.unavailable";
    public const string ServiceUnavailable = "service.unavailable";
    public const string UpstreamTimeout = "upstream.timeout";
    public const string ArtifactsUnavailable = "artifacts.unavailable";
    /// <summary>Not a code a problem carries: a validation problem's code is its first field error's.</summary>
    public const string Validation = "validation";
    public const string IdempotencyKeyInvalid = "idempotency.key_invalid";
    public const string IdempotencyInFlight = "idempotency.in_flight";
    public const string IdempotencyKeyReused = "idempotency.key_reused";
    public const string JobNotFound = "job.not_found";
    public const string JobDeadlineExceeded = "job.deadline_exceeded";
    public const string JobDeliverableNotFound = "job.deliverable_not_found";
    public const string JobShotNotReady = "job.shot_not_ready";
    public const string JobShotNotFound = "job.shot_not_found";
    public const string SpeechUnavailable = "speech.unavailable";
    public const string ContentRejected = "content.rejected";
    public const string ModerationUnavailable = "moderation.unavailable";
    public const string JobNotCancelable = "job.not_cancelable";
    public const string JobVideoNotReady = "job.video_not_ready";
    public const string JobVideoMissing = "job.video_missing";
    public const string JobLimitOutOfRange = "job.limit_out_of_range";
    public const string JobPageTokenInvalid = "job.page_token_invalid";
    public const string BatchNotFound = "batch.not_found";
    public const string BatchNotCancelable = "batch.not_cancelable";
    public const string BatchOnInvalidUnsupported = "batch.on_invalid_unsupported";
    public const string BatchContentTypeUnsupported = "batch.content_type_unsupported";
    public const string BatchTooManyLines = "batch.too_many_lines";
    public const string BatchTooLarge = "batch.too_large";
    public const string BatchEmpty = "batch.empty";
    public const string BatchLinesInvalid = "batch.lines_invalid";
    public const string BatchLimitOutOfRange = "batch.limit_out_of_range";
    public const string BatchPageTokenInvalid = "batch.page_token_invalid";
    public const string LibraryNotFound = "library.not_found";
    public const string LibraryNameTaken = "library.name_taken";
    public const string LibraryBuiltInReadOnly = "library.built_in_read_only";
    public const string ImageTypeUnsupported = "image.type_unsupported";
    public const string ImageContentMismatch = "image.content_mismatch";
    public const string ImageNotFound = "image.not_found";
    public const string ImageFetchFailed = "image.fetch_failed";
    public const string ImageTooLarge = "image.too_large";
    public const string ArtifactUrlInvalid = "artifact.url_invalid";
    public const string ArtifactUrlExpired = "artifact.url_expired";
    public const string ArtifactNotFound = "artifact.not_found";
    public const string WebhookNotFound = "webhook.not_found";
    public const string WebhookLimitReached = "webhook.limit_reached";
    public const string UsageRangeEmpty = "usage.range_empty";
    public const string UsageGroupByInvalid = "usage.group_by_invalid";
    public const string UsageInstantInvalid = "usage.instant_invalid";
    public const string EstimateShotsEmpty = "estimate.shots_empty";
    public const string EstimateTooManyShots = "estimate.too_many_shots";
    public const string EstimateRequestMissing = "estimate.request_missing";
    public const string AdminDisabled = "admin.disabled";
    public const string AdminKeyMissing = "admin.key_missing";
    public const string AdminKeyInvalid = "admin.key_invalid";
    public const string AdminTenantKey = "admin.tenant_key";
    public const string TenantNotFound = "tenant.not_found";
    public const string TenantExportUnavailable = "tenant.export_unavailable";
    public const string TenantNameTaken = "tenant.name_taken";
    public const string PlanNotFound = "plan.not_found";
    public const string KeyNotFound = "key.not_found";
    public const string ProviderSecretNotFound = "provider_secret.not_found";
    public const string ProviderUnknown = "provider.unknown";
}
