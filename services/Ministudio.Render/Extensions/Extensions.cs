using Ministudio.Platform;
using Ministudio.Platform.Trust;
using Ministudio.Render.Rendering;
using Ministudio.ServiceDefaults;

namespace Ministudio.Render.Extensions;

public static class Extensions
{
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddProblemAnswers();
        builder.AddServiceTrust(ResourceNames.Render);
        builder.AddArtifactStore();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<RenderStats>();
        builder.Services.AddSingleton<ShotEncoder>();
        // Each render keeps one core busy drawing while ffmpeg encodes on the others.
        builder.Services.AddSingleton(new RenderSlots(builder.Configuration.GetValue("Render:MaxConcurrentShots", Environment.ProcessorCount)));
        return builder;
    }
}
