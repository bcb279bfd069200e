namespace Ministudio.Render.Rendering;

/// <summary>How many shots one render replica draws at once (<c>Render:MaxConcurrentShots</c>, one per core by default).</summary>
public sealed class RenderOptions
{
    public const string Section = "Render";

    public int MaxConcurrentShots { get; set; } = Environment.ProcessorCount;
}
