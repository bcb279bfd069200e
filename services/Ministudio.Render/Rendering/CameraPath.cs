using Ministudio.Contracts;

namespace Ministudio.Render.Rendering;

/// <summary>
/// How one layer is seen: magnified <c>Zoom</c> times about the frame centre, with the camera looking <c>X</c> frame
/// widths to the right and <c>Y</c> frame heights down of where it started (so content moves the other way).
/// </summary>
public readonly record struct LayerView(float Zoom, float X, float Y)
{
    public static readonly LayerView Rest = new(1, 0, 0);
}

/// <summary>
/// The camera at one moment: how the far layer (scenery) and the near layer (figures) are seen, and for a rack focus
/// how far focus has travelled from the figures to the scenery (0..1; null: both sharp).
/// </summary>
public readonly record struct CameraPose(LayerView Far, LayerView Near, float? Focus = null);

/// <summary>
/// Every camera move of <see cref="CameraMoves"/> as a path of poses over the shot (t from 0 to 1). Two layers give the
/// moves their difference: a pan, tilt or zoom turns or magnifies the lens, so scenery and figures move together; a
/// dolly, truck, pedestal or crane moves the camera, so the near figures move more than the far scenery (parallax); an
/// orbit or tracking shot keeps the subject framed while the scenery slides behind it.
/// </summary>
public static class CameraPath
{
    /// <summary>How far the scenery reaches beyond the frame on each side, as a fraction of the frame (the paths stay inside it).</summary>
    public const float Overscan = 1.5f;

    private static readonly IReadOnlyDictionary<string, Func<float, CameraPose>> Paths = new Dictionary<string, Func<float, CameraPose>>(StringComparer.Ordinal)
    {
        [CameraMoves.Static] = _ => new(LayerView.Rest, LayerView.Rest),
        // Turning the lens: everything moves alike, the other way.
        ["pan-left"] = t => Both(new(1, -0.15f * Ease(t), 0)),
        ["pan-right"] = t => Both(new(1, 0.15f * Ease(t), 0)),
        ["tilt-up"] = t => Both(new(1, 0, -0.12f * Ease(t))),
        ["tilt-down"] = t => Both(new(1, 0, 0.12f * Ease(t))),
        ["zoom-in"] = t => Both(new(1 + 0.3f * Ease(t), 0, 0)),
        ["zoom-out"] = t => Both(new(1.3f - 0.3f * Ease(t), 0, 0)),
        // Moving the camera towards or away from the subject: the figures grow (or shrink) faster than the scenery.
        ["push-in"] = t => new(new(1 + 0.06f * Ease(t), 0, 0), new(1 + 0.18f * Ease(t), 0, 0)),
        ["pull-out"] = t => new(new(1.06f - 0.06f * Ease(t), 0, 0), new(1.18f - 0.18f * Ease(t), 0, 0)),
        ["dolly-in"] = t => new(new(1 + 0.1f * Ease(t), 0, 0), new(1 + 0.32f * Ease(t), 0, 0)),
        ["dolly-out"] = t => new(new(1.1f - 0.1f * Ease(t), 0, 0), new(1.32f - 0.32f * Ease(t), 0, 0)),
        // Moving the camera sideways or up and down: near figures travel further than far scenery.
        ["truck-left"] = t => new(new(1, -0.05f * Ease(t), 0), new(1, -0.2f * Ease(t), 0)),
        ["truck-right"] = t => new(new(1, 0.05f * Ease(t), 0), new(1, 0.2f * Ease(t), 0)),
        ["pedestal-up"] = t => new(new(1, 0, -0.04f * Ease(t)), new(1, 0, -0.18f * Ease(t))),
        ["pedestal-down"] = t => new(new(1, 0, 0.04f * Ease(t)), new(1, 0, 0.18f * Ease(t))),
        // A crane rises and draws back over the scene (content sinks and shrinks), or descends into it.
        ["crane-up"] = t => Crane(Ease(t)),
        ["crane-down"] = t => Crane(1 - Ease(t)),
        // Circling the subject keeps it framed; the scenery behind it slides the way the camera travels.
        ["orbit-left"] = t => new(new(1, 0.2f * Ease(t), 0), LayerView.Rest),
        ["orbit-right"] = t => new(new(1, -0.2f * Ease(t), 0), LayerView.Rest),
        // Travelling with a subject walking to the right: steady speed, the scenery streams left, a slight step in the frame.
        ["tracking"] = t => new(new(1, 0.22f * t, 0), new(1, 0, 0.006f * MathF.Sin(t * MathF.Tau * 4))),
        ["handheld"] = t => new(new(1.04f, Shake(t, 0), Shake(t, 1)), new(1.04f, 1.3f * Shake(t, 0), 1.3f * Shake(t, 1))),
        ["rack-focus"] = t => new(LayerView.Rest, LayerView.Rest, Ease(t)),
    };

    public static IEnumerable<string> Moves => Paths.Keys;

    public static bool Draws(string move) => move.Length == 0 || Paths.ContainsKey(move);

    /// <summary>The path of a move; no move (empty) is a static camera.</summary>
    public static Func<float, CameraPose> Of(string move) => Paths[move.Length == 0 ? CameraMoves.Static : move];

    private static CameraPose Both(LayerView view) => new(view, view);

    private static CameraPose Crane(float up) => new(new(1.08f - 0.08f * up, 0, -0.08f * up), new(1.16f - 0.16f * up, 0, -0.15f * up));

    /// <summary>Smoothstep: a move starts and settles gently.</summary>
    private static float Ease(float t) => t * t * (3 - 2 * t);

    /// <summary>A small, smooth, deterministic wander (a few frequencies per axis), about ±2.5 % of the frame.</summary>
    private static float Shake(float t, int axis) =>
        0.012f * MathF.Sin(t * 11.3f + axis * 1.7f) + 0.008f * MathF.Sin(t * 23.9f + axis * 0.4f) + 0.005f * MathF.Sin(t * 41.1f + axis * 2.9f);
}
