using Ministudio.Platform.Trust;
using Ministudio.Prompt.Tenants;
using Ministudio.ServiceDefaults;

namespace Ministudio.Prompt.Apis;

/// <summary>Internal: dispatch reads a tenant's own vendor keys (BYOK) here to pay vendors with them. The gateway never routes /internal.</summary>
public static class ProviderSecretsApi
{
    public static IEndpointRouteBuilder MapProviderSecretsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/tenants/{tenantId:guid}/provider-secrets",
                async (Guid tenantId, ProviderSecrets secrets, CancellationToken ct) => TypedResults.Ok(await secrets.RevealAsync(tenantId, ct)))
            .AnswersOnly(ResourceNames.Dispatch)
            .ExcludeFromDescription();
        return app;
    }
}
