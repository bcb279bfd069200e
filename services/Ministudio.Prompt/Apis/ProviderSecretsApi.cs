using Ministudio.Platform.Trust;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>
/// Internal: the services that pay vendors read a tenant's own vendor keys (BYOK) here: dispatch for video, compose for
/// speech. The gateway never routes /internal.
/// </summary>
public static class ProviderSecretsApi
{
    public static IEndpointRouteBuilder MapProviderSecretsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/tenants/{tenantId:guid}/provider-secrets",
                async (Guid tenantId, ProviderSecrets secrets, CancellationToken ct) => TypedResults.Ok(await secrets.RevealAsync(tenantId, ct)))
            .AnswersOnly(ResourceNames.Dispatch, ResourceNames.Compose)
            .ExcludeFromDescription();
        return app;
    }
}
