using Ministudio.Contracts;
using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>A figure as framed in a shot: where it stands, and whether it is the listener seen from behind (over the shoulder).</summary>
public sealed record FramedFigure(CharacterLook Character, SKRectI Bounds, bool FromBehind = false)
{
    /// <summary>The middle of the figure's head, where a speech mark points.</summary>
    public SKPoint Head => new(Bounds.MidX, Bounds.Top + Bounds.Height * FigureSprite.HeadCentre);
}

/// <summary>
/// How a shot type frames its figures. Wide shots stand them on the ground line at their slots, smaller the wider the
/// shot; medium shots crop them at the waist with their heads high in frame; close shots show only the one in focus
/// (the first to speak, else the first in the film), centred, from the chest (MCU) to the eyes (ECU). Scales are
/// multiples of the full shot's figure (<see cref="FrameLayout.FigureSize"/>), the framing of a shot without a type.
/// </summary>
public static class ShotFraming
{
    /// <summary>A framing: figure scale; null ground: the head's centre at that fraction of the frame height instead of feet on the ground line.</summary>
    private sealed record Framing(float Scale, float? HeadAt = null, bool FocusOnly = false, bool OverShoulder = false);

    private static readonly Framing Full = new(1f);

    private static readonly IReadOnlyDictionary<string, Framing> Framings = new Dictionary<string, Framing>(StringComparer.OrdinalIgnoreCase)
    {
        ["EWS"] = new(0.3f),
        ["WS"] = new(0.55f),
        ["FS"] = Full,
        ["MWS"] = new(1.4f, HeadAt: 0.3f),
        ["TWO"] = new(1.6f, HeadAt: 0.3f),
        ["POV"] = new(1.6f, HeadAt: 0.32f),
        ["MS"] = new(1.9f, HeadAt: 0.3f),
        ["OTS"] = new(2.3f, HeadAt: 0.34f, FocusOnly: true, OverShoulder: true),
        ["MCU"] = new(2.6f, HeadAt: 0.36f, FocusOnly: true),
        ["CU"] = new(3.6f, HeadAt: 0.42f, FocusOnly: true),
        ["INSERT"] = new(4.4f, HeadAt: 0.46f, FocusOnly: true),
        ["ECU"] = new(6f, HeadAt: 0.46f, FocusOnly: true),
    };

    public static IEnumerable<string> ShotTypesFramed => Framings.Keys;

    public static bool Frames(string shotType) => shotType.Length == 0 || Framings.ContainsKey(shotType);

    /// <summary>The figures of a shot in drawing order (a listener seen from behind is in front, so last).</summary>
    public static IReadOnlyList<FramedFigure> Place(RenderShotRequest request, int width, int height)
    {
        var framing = request.ShotType.Length == 0 ? Full : Framings[request.ShotType];
        var characters = request.Characters.OrderBy(c => c.Slot).ToList();
        if (characters.Count == 0) return [];
        var size = FrameLayout.FigureSize(width, height);
        var figureHeight = Even(size.Height * framing.Scale);
        if (!framing.FocusOnly)
            return characters.Select(c => new FramedFigure(c, Stand(FrameLayout.SlotCentre(c.Slot) * width, figureHeight, framing, width, height))).ToList();

        var focus = InFocus(request, characters);
        if (!framing.OverShoulder) return [new FramedFigure(focus, Stand(width * 0.5f, figureHeight, framing, width, height))];
        // Over the shoulder: the speaker off centre, facing us; the listener large at the near edge, back to the camera.
        var framed = new List<FramedFigure> { new(focus, Stand(width * 0.62f, figureHeight, framing, width, height)) };
        if (characters.FirstOrDefault(c => c != focus) is { } listener)
            framed.Add(new FramedFigure(listener, Stand(width * 0.12f, Even(figureHeight * 1.5f), framing with { HeadAt = 0.5f }, width, height), FromBehind: true));
        return framed;
    }

    /// <summary>The character a close shot is about: the first to speak in it, else the first of the film present.</summary>
    private static CharacterLook InFocus(RenderShotRequest request, List<CharacterLook> characters) =>
        request.Speech.OrderBy(s => s.StartSeconds).Select(s => characters.FirstOrDefault(c => string.Equals(c.Name, s.Speaker, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(c => c is not null) ?? characters[0];

    private static SKRectI Stand(float centreX, int figureHeight, Framing framing, int width, int height)
    {
        var figureWidth = Even(figureHeight * 0.5f);
        var left = (int)(centreX - figureWidth / 2f);
        // A figure that fits stays wholly inside the frame; a larger one is centred where it stands and cropped.
        if (figureWidth <= width) left = Math.Clamp(left, 0, width - figureWidth);
        var top = framing.HeadAt is { } headAt
            ? (int)(height * headAt - figureHeight * FigureSprite.HeadCentre)
            : FrameLayout.GroundLine(height) - figureHeight;
        return new SKRectI(left, top, left + figureWidth, top + figureHeight);
    }

    private static int Even(float value) => Math.Max(2, (int)(value / 2) * 2);
}
