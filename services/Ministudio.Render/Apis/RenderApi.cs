using Microsoft.AspNetCore.Http.HttpResults;
using Ministudio.Render.Rendering;

namespace Ministudio.Render.Apis;

public static class RenderApi
{
    public sealed record RenderStatsView(long ShotsRendered, long FramesRendered);

    public static IEndpointRouteBuilder MapRenderApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/stats", GetStats);
        return app;
    }

    public static Ok<RenderStatsView> GetStats(RenderStats stats) => TypedResults.Ok(new RenderStatsView(stats.ShotsRendered, stats.FramesRendered));
}
