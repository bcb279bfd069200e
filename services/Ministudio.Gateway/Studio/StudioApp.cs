using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Ministudio.Gateway.Studio;

/// <summary>
/// The web studio: static files under /studio, served before authentication (they hold nothing of a tenant's; the
/// page itself calls the public /v1 API with the key the user signs in with).
/// </summary>
public static class StudioApp
{
    public const string BasePath = "/studio";

    /// <summary>
    /// No inline script or style, no third-party origin: everything comes from the gateway. Images and media may be
    /// blob: URLs because the studio fetches tenant artifacts with the bearer key and shows them from memory.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static WebApplication UseStudio(this WebApplication app)
    {
        var files = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "Studio", "app"));
        app.UseWhen(context => context.Request.Path.StartsWithSegments(BasePath), studio =>
        {
            studio.Use((context, next) =>
            {
                if (context.Request.Path.Value is BasePath)
                {
                    context.Response.Redirect($"{BasePath}/");
                    return Task.CompletedTask;
                }
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
                return next(context);
            });
            studio.UseDefaultFiles(new DefaultFilesOptions { RequestPath = BasePath, FileProvider = files });
            studio.UseStaticFiles(new StaticFileOptions
            {
                RequestPath = BasePath,
                FileProvider = files,
                // File names carry no version: the browser may keep a copy but must revalidate it (ETag) before use,
                // so a new release is picked up on the next load.
                OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
            });
            studio.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                context.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
        });
        return app;
    }
}
