using Ministudio.Platform;
using Scalar.AspNetCore;

namespace Ministudio.Gateway.Documentation;

/// <summary>
/// <c>/openapi/v1.json</c> (the merged public document) and <c>/docs</c> (Scalar's reference page, its script served
/// from the package, no CDN). Both are public: they describe the API, they hold nothing of a tenant's.
/// </summary>
public static class ApiDocsEndpoints
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string DocsPath = "/docs";

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapGet(DocumentPath, async (PublicApiDocument document, CancellationToken ct) =>
            await document.BuildAsync(ct) is { } merged
                ? Results.Text(merged.ToJsonString(), "application/json")
                : ApiProblems.Problem(ProblemCodes.DocumentUnavailable));
        // Every operation in the sidebar at once, by its path: the page is the route table one can scan.
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("Ministudio API")
            .WithOpenApiRoutePattern(DocumentPath)
            .ExpandAllTags()
            .WithOperationTitleSource(OperationTitleSource.Path)
            // No font CDN: the page works where the gateway is the only host it can reach.
            .DisableDefaultFonts());
        return app;
    }
}
