using Microsoft.Extensions.Options;
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
        builder.Services.AddOptions<RenderOptions>().BindConfiguration(RenderOptions.Section)
            .Validate(o => o.MaxConcurrentShots > 0, $"{RenderOptions.Section}:MaxConcurrentShots must be positive.").ValidateOnStart();
        builder.Services.AddSingleton(services => new RenderSlots(services.GetRequiredService<IOptions<RenderOptions>>().Value.MaxConcurrentShots));
        return builder;
    }
}
