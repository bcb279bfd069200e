using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Prompt.Tenants;

namespace Ministudio.Prompt.Apis;

/// <summary>Internal: the gateway resolves API keys to tenants here. The gateway never routes /internal.</summary>
public static class KeysApi
{
    public sealed record ResolveKeyRequest(string Key);

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/keys/resolve", ResolveAsync).ExcludeFromDescription();
        return app;
    }

    public static async Task<Results<Ok<Tenant>, NotFound>> ResolveAsync(ResolveKeyRequest request, TenantDirectory tenants, CancellationToken ct) =>
        await tenants.FindByKeyAsync(request.Key ?? "", ct) is { } tenant ? TypedResults.Ok(tenant) : TypedResults.NotFound();
}
