using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace Ministudio.Platform;

/// <summary>A problem an API can answer with: its stable <c>code</c>, HTTP status and default title.</summary>
public sealed record ProblemCode(string Code, int Status, string Title);

/// <summary>
/// Every top-level problem code of the public API, in one place: handlers answer with these, endpoints declare them
/// (<see cref="ProblemMetadataExtensions.ProducesProblems"/>), and the OpenAPI document and the .NET client read them.
/// Field-level codes of a 400 (the <c>errors[]</c> of a validation problem) stay with their validators.
/// </summary>
public static class ProblemCodes
{
    // Edge: the gateway's key check and rate limit.
    public static readonly ProblemCode AuthKeyMissing = new("auth.key_missing", StatusCodes.Status401Unauthorized, "An API key is required: send 'Authorization: Bearer <key>'.");
    public static readonly ProblemCode AuthKeyInvalid = new("auth.key_invalid", StatusCodes.Status401Unauthorized, "The API key is not valid.");
    public static readonly ProblemCode AuthUnavailable = new("auth.unavailable", StatusCodes.Status503ServiceUnavailable, "Authentication is unavailable; retry shortly.");
    public static readonly ProblemCode AuthTenantMissing = new("auth.tenant_missing", StatusCodes.Status401Unauthorized, "No authenticated tenant.");
    // Between services: the gateway's (or a peer service's) signed assertion, see Trust/ServiceAssertions.
    public static readonly ProblemCode AuthAssertionMissing = new("auth.assertion_missing", StatusCodes.Status401Unauthorized, "This service is reached through the gateway: the request carries no signed service assertion.");
    public static readonly ProblemCode AuthAssertionInvalid = new("auth.assertion_invalid", StatusCodes.Status401Unauthorized, "The signed service assertion is malformed, expired or not signed with a current key.");
    public static readonly ProblemCode AuthServiceForbidden = new("auth.service_forbidden", StatusCodes.Status403Forbidden, "This internal route does not answer the calling service.");
    public static readonly ProblemCode DocumentUnavailable = new("openapi.unavailable", StatusCodes.Status503ServiceUnavailable, "The API document is unavailable; retry shortly.");
    public static readonly ProblemCode RateLimitExceeded = new("rate_limit.exceeded", StatusCodes.Status429TooManyRequests, "Too many requests.");

    // Any body.
    public static readonly ProblemCode RequestMalformedJson = new("request.malformed_json", StatusCodes.Status400BadRequest, "The body is not valid JSON.");
    public static readonly ProblemCode RequestTooLarge = new("request.too_large", StatusCodes.Status413PayloadTooLarge, "The request body is too large.");
    public static readonly ProblemCode RequestInvalid = new("request.invalid", StatusCodes.Status400BadRequest, "The request is malformed.");
    public static readonly ProblemCode RequestBodyIncomplete = new("request.body_incomplete", StatusCodes.Status400BadRequest, "The request body could not be read to its end.");
    public static readonly ProblemCode RequestNotFound = new("request.not_found", StatusCodes.Status404NotFound, "There is nothing at this address.");
    public static readonly ProblemCode RequestMethodNotAllowed = new("request.method_not_allowed", StatusCodes.Status405MethodNotAllowed, "This address does not take this method.");
    public static readonly ProblemCode RequestUnsupportedMediaType = new("request.unsupported_media_type", StatusCodes.Status415UnsupportedMediaType, "The body's content type is not accepted here.");
    /// <summary>Any other refusal without a code of its own (kept so that every answer has one).</summary>
    public static readonly ProblemCode RequestRejected = new("request.rejected", StatusCodes.Status400BadRequest, "The request was refused.");
    public static readonly ProblemCode RequestCanceled = new("request.canceled", StatusCodes.Status499ClientClosedRequest, "The client closed the request.");

    // Server side: details go to the log, the trace id to the client.
    public static readonly ProblemCode ServerError = new("server.error", StatusCodes.Status500InternalServerError, "Something went wrong on our side; the trace id identifies it in our logs.");
    public static readonly ProblemCode UpstreamUnavailable = new("upstream.unavailable", StatusCodes.Status502BadGateway, "The service behind the gateway is unavailable; try again.");
    public static readonly ProblemCode ServiceUnavailable = new("service.unavailable", StatusCodes.Status503ServiceUnavailable, "The service is unavailable; try again.");
    public static readonly ProblemCode ArtifactsUnavailable = new(ArtifactStoreUnavailableException.Code, StatusCodes.Status503ServiceUnavailable, "The artifact store is unavailable; try again.");
    public static readonly ProblemCode UpstreamTimeout = new("upstream.timeout", StatusCodes.Status504GatewayTimeout, "The service did not answer in time.");

    /// <summary>The code of an answer that carries none of its own (routing misses, framework refusals), by status.</summary>
    public static ProblemCode ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => RequestInvalid,
        StatusCodes.Status404NotFound => RequestNotFound,
        StatusCodes.Status405MethodNotAllowed => RequestMethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => RequestTooLarge,
        StatusCodes.Status415UnsupportedMediaType => RequestUnsupportedMediaType,
        StatusCodes.Status502BadGateway => UpstreamUnavailable,
        StatusCodes.Status503ServiceUnavailable => ServiceUnavailable,
        StatusCodes.Status504GatewayTimeout => UpstreamTimeout,
        >= 500 => ServerError,
        _ => RequestRejected,
    };

    /// <summary>A 400 naming every invalid field; its <c>code</c> is the first field error's code.</summary>
    public static readonly ProblemCode Validation = new("validation", StatusCodes.Status400BadRequest, "The request is invalid.");

    public static readonly ProblemCode IdempotencyKeyInvalid = new("idempotency.key_invalid", StatusCodes.Status400BadRequest, "An Idempotency-Key is 1 to 255 printable characters.");
    public static readonly ProblemCode IdempotencyInFlight = new("idempotency.in_flight", StatusCodes.Status409Conflict, "A request with this Idempotency-Key is still being processed.");
    public static readonly ProblemCode IdempotencyKeyReused = new("idempotency.key_reused", StatusCodes.Status409Conflict, "This Idempotency-Key was used with a different request body.");

    public static readonly ProblemCode JobNotFound = new("job.not_found", StatusCodes.Status404NotFound, "No such job.");
    public static readonly ProblemCode JobNotCancelable = new("job.not_cancelable", StatusCodes.Status409Conflict, "The job has finished.");
    public static readonly ProblemCode JobVideoNotReady = new("job.video_not_ready", StatusCodes.Status409Conflict, "The film is not ready.");
    public static readonly ProblemCode JobVideoMissing = new("job.video_missing", StatusCodes.Status410Gone, "The film's file is no longer in the artifact store.");
    public static readonly ProblemCode JobDeliverableNotFound = new("job.deliverable_not_found", StatusCodes.Status404NotFound, "No such file.");
    public static readonly ProblemCode JobShotNotReady = new("job.shot_not_ready", StatusCodes.Status409Conflict, "The shot has not rendered yet.");
    public static readonly ProblemCode JobShotNotFound = new("job.shot_not_found", StatusCodes.Status404NotFound, "No such shot.");
    public static readonly ProblemCode SpeechUnavailable = new("speech.unavailable", StatusCodes.Status503ServiceUnavailable, "Speech cannot be synthesized right now.");
    // Moderation of the compiled prompts, before anything is queued (Prompt/Moderation).
    public static readonly ProblemCode ContentRejected = new("content.rejected", StatusCodes.Status422UnprocessableEntity, "A shot's prompt was refused by content moderation.");
    public static readonly ProblemCode ModerationUnavailable = new("moderation.unavailable", StatusCodes.Status503ServiceUnavailable, "Content moderation is unavailable; retry shortly.");
    /// <summary>A job's own error (the <c>error</c> of a failed job, never an HTTP answer): it outlived the deadline its shots allow.</summary>
    public static readonly ProblemCode JobDeadlineExceeded = new("job.deadline_exceeded", StatusCodes.Status504GatewayTimeout, "The job did not finish within the time its shots allow; submit it again.");
    public static readonly ProblemCode JobLimitOutOfRange = new("job.limit_out_of_range", StatusCodes.Status400BadRequest, "limit is 1 to 100.");
    public static readonly ProblemCode JobPageTokenInvalid = new("job.page_token_invalid", StatusCodes.Status400BadRequest, "pageToken is the nextPageToken of a previous page.");

    public static readonly ProblemCode BatchNotFound = new("batch.not_found", StatusCodes.Status404NotFound, "No such batch.");
    public static readonly ProblemCode BatchNotCancelable = new("batch.not_cancelable", StatusCodes.Status409Conflict, "The batch has finished.");
    public static readonly ProblemCode BatchOnInvalidUnsupported = new("batch.on_invalid_unsupported", StatusCodes.Status400BadRequest, "onInvalid is 'reject' or 'skip'.");
    public static readonly ProblemCode BatchContentTypeUnsupported = new("batch.content_type_unsupported", StatusCodes.Status415UnsupportedMediaType, "A batch is JSON Lines.");
    public static readonly ProblemCode BatchTooManyLines = new("batch.too_many_lines", StatusCodes.Status413PayloadTooLarge, "A batch has too many lines.");
    public static readonly ProblemCode BatchTooLarge = new("batch.too_large", StatusCodes.Status413PayloadTooLarge, "The batch body is too large.");
    public static readonly ProblemCode BatchEmpty = new("batch.empty", StatusCodes.Status400BadRequest, "A batch needs at least one film line.");
    public static readonly ProblemCode BatchLinesInvalid = new("batch.lines_invalid", StatusCodes.Status400BadRequest, "Some lines of the batch are invalid; nothing was stored.");
    public static readonly ProblemCode BatchLimitOutOfRange = new("batch.limit_out_of_range", StatusCodes.Status400BadRequest, "limit is 1 to 100.");
    public static readonly ProblemCode BatchPageTokenInvalid = new("batch.page_token_invalid", StatusCodes.Status400BadRequest, "pageToken is the nextPageToken of a previous page.");

    public static readonly ProblemCode LibraryNotFound = new("library.not_found", StatusCodes.Status404NotFound, "No such library item.");
    public static readonly ProblemCode LibraryNameTaken = new("library.name_taken", StatusCodes.Status409Conflict, "A library item with this name exists already.");
    public static readonly ProblemCode LibraryBuiltInReadOnly = new("library.built_in_read_only", StatusCodes.Status409Conflict, "Built-in templates and style packs are read-only.");

    public static readonly ProblemCode ImageTypeUnsupported = new("image.type_unsupported", StatusCodes.Status415UnsupportedMediaType, "The image type is not supported.");
    public static readonly ProblemCode ImageContentMismatch = new("image.content_mismatch", StatusCodes.Status400BadRequest, "The bytes are not an image of the declared type.");
    public static readonly ProblemCode ImageNotFound = new("image.not_found", StatusCodes.Status404NotFound, "No such image.");
    public static readonly ProblemCode ImageFetchFailed = new("image.fetch_failed", StatusCodes.Status502BadGateway, "The image could not be fetched.");
    // Signed artifact URLs (/artifacts/{hash}?expires=…&signature=…), for vendors fetching inputs.
    public static readonly ProblemCode ArtifactUrlInvalid = new("artifact.url_invalid", StatusCodes.Status403Forbidden, "The artifact URL is not signed by this platform.");
    public static readonly ProblemCode ArtifactUrlExpired = new("artifact.url_expired", StatusCodes.Status403Forbidden, "The artifact URL has expired.");
    public static readonly ProblemCode ArtifactNotFound = new("artifact.not_found", StatusCodes.Status404NotFound, "The artifact is no longer in the store.");
    public static readonly ProblemCode ImageTooLarge = new("image.too_large", StatusCodes.Status413PayloadTooLarge, "The image is too large.");

    public static readonly ProblemCode WebhookNotFound = new("webhook.not_found", StatusCodes.Status404NotFound, "No such webhook.");
    public static readonly ProblemCode WebhookLimitReached = new("webhook.limit_reached", StatusCodes.Status409Conflict, "The tenant has the most webhooks it may register.");

    public static readonly ProblemCode UsageRangeEmpty = new("usage.range_empty", StatusCodes.Status400BadRequest, "'to' must be later than 'from'.");
    public static readonly ProblemCode UsageGroupByInvalid = new("usage.group_by_invalid", StatusCodes.Status400BadRequest, "Use vendor, day or job.");
    public static readonly ProblemCode UsageInstantInvalid = new("usage.instant_invalid", StatusCodes.Status400BadRequest, "An ISO 8601 date or instant.");

    public static readonly ProblemCode EstimateShotsEmpty = new("estimate.shots_empty", StatusCodes.Status400BadRequest, "Send the shots of a compile answer.");
    public static readonly ProblemCode EstimateTooManyShots = new("estimate.too_many_shots", StatusCodes.Status400BadRequest, "Too many shots.");
    public static readonly ProblemCode EstimateRequestMissing = new("estimate.request_missing", StatusCodes.Status400BadRequest, "Each shot needs its compiled request.");

    // Operator API.
    public static readonly ProblemCode AdminDisabled = new("admin.disabled", StatusCodes.Status403Forbidden, "The admin API is off.");
    public static readonly ProblemCode AdminKeyMissing = new("admin.key_missing", StatusCodes.Status401Unauthorized, "The admin key is required: send 'Authorization: Bearer <admin key>'.");
    public static readonly ProblemCode AdminKeyInvalid = new("admin.key_invalid", StatusCodes.Status401Unauthorized, "The admin key is not valid.");
    public static readonly ProblemCode AdminTenantKey = new("admin.tenant_key", StatusCodes.Status403Forbidden, "Tenant API keys cannot use the admin API.");
    public static readonly ProblemCode TenantNotFound = new("tenant.not_found", StatusCodes.Status404NotFound, "No such tenant.");
    public static readonly ProblemCode TenantExportUnavailable = new("tenant.export_unavailable", StatusCodes.Status503ServiceUnavailable, "The cost ledger did not answer in time; retry the export.");
    public static readonly ProblemCode TenantNameTaken = new("tenant.name_taken", StatusCodes.Status409Conflict, "A tenant with this name exists.");
    public static readonly ProblemCode PlanNotFound = new("plan.not_found", StatusCodes.Status404NotFound, "No such plan.");
    public static readonly ProblemCode KeyNotFound = new("key.not_found", StatusCodes.Status404NotFound, "No such key.");
    public static readonly ProblemCode ProviderSecretNotFound = new("provider_secret.not_found", StatusCodes.Status404NotFound, "The tenant holds no key of its own for this vendor.");
    public static readonly ProblemCode ProviderUnknown = new("provider.unknown", StatusCodes.Status404NotFound, "No such provider.");

    /// <summary>Every code above, for documents, clients and tests.</summary>
    public static IReadOnlyList<ProblemCode> All { get; } = typeof(ProblemCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ProblemCode))
        .Select(f => (ProblemCode)f.GetValue(null)!)
        .ToList();
}
