using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// Draws the frames of one shot as an animatic: the environment's scenery in its time-of-day light, the figures of the
/// characters present framed by the shot type, the camera move over both (<see cref="CameraPath"/>), a speech mark by
/// whoever speaks while they speak, the location slate and the action as a caption. Everything that does not change is
/// painted once; a frame is the scenery, the figures and the marks composed. Deterministic for a given request.
/// </summary>
public sealed class ShotFrames : IDisposable
{
    // Bilinear sampling keeps slow camera moves smooth; figures at rest are drawn 1:1 and need none.
    private static readonly SKSamplingOptions Linear = new(SKFilterMode.Linear);

    private readonly RenderShotRequest _request;
    private readonly Func<float, CameraPose> _camera;
    private readonly SKBitmap _backdrop;
    private readonly SKBitmap? _backdropSoft;
    private readonly List<(FramedFigure Figure, SKBitmap Sprite, SKBitmap? Soft)> _figures = [];
    private readonly Dictionary<string, SKBitmap> _speechMarks = new(StringComparer.OrdinalIgnoreCase);
    private readonly SKBitmap _overlay;
    private readonly List<SKRectI> _overlayAreas = [];
    // A chained shot starts on the previous shot's true last frame and dissolves into its own scene over half a second.
    private readonly SKBitmap? _firstFrame;
    private readonly int _blendFrames;
    private readonly SKBitmap _frame;
    private readonly SKCanvas _canvas;

    public ShotFrames(RenderShotRequest request, SKBitmap? firstFrame = null)
    {
        _request = request;
        _firstFrame = firstFrame;
        Width = request.Width;
        Height = request.Height;
        FrameCount = (int)Math.Round(request.DurationSeconds * request.Fps);
        _blendFrames = firstFrame is null ? 0 : Math.Max(1, Math.Min(request.Fps / 2, FrameCount / 2));
        _camera = CameraPath.Of(request.CameraMove);
        var rackFocus = _camera(0).Focus is not null;

        var light = SceneLight.Of(request.Environment?.TimeOfDay);
        _backdrop = SceneBackdrop.Paint(request, Width, Height, light);
        _backdropSoft = rackFocus ? Soften(_backdrop, Math.Min(Width, Height) / 60f) : null;
        foreach (var figure in ShotFraming.Place(request, Width, Height))
        {
            var sprite = LitSprite(figure, light);
            _figures.Add((figure, sprite, rackFocus ? Soften(sprite, figure.Bounds.Height / 25f) : null));
        }
        foreach (var line in request.Speech)
            if (!_speechMarks.ContainsKey(line.Speaker) && _figures.Any(f => Same(f.Figure.Character.Name, line.Speaker)))
                _speechMarks[line.Speaker] = SceneLabels.SpeechMark(line.Speaker, Width, Height);

        _overlay = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        PaintOverlay();
        _frame = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        _canvas = new SKCanvas(_frame);
    }

    public int Width { get; }
    public int Height { get; }
    public int FrameCount { get; }

    /// <summary>Draws frame <paramref name="index"/> and returns its RGBA pixels (valid until the next call).</summary>
    public ReadOnlySpan<byte> Draw(int index)
    {
        var t = FrameCount > 1 ? index / (float)(FrameCount - 1) : 0;
        var pose = _camera(t);
        var frameRect = new SKRect(0, 0, Width, Height);
        // The scenery covers the whole frame (the camera's paths stay inside the overscan), so nothing needs clearing.
        var far = FarSource(pose.Far);
        _canvas.DrawBitmap(_backdrop, far, frameRect, Linear, null);
        if (_backdropSoft is not null) Blend(_backdropSoft, far, frameRect, 1 - pose.Focus!.Value);

        var near = NearMatrix(pose.Near);
        _canvas.Save();
        _canvas.SetMatrix(near);
        var sampling = near.IsIdentity ? SKSamplingOptions.Default : Linear;
        foreach (var (figure, sprite, soft) in _figures)
        {
            var bounds = SKRect.Create(figure.Bounds.Left, figure.Bounds.Top, figure.Bounds.Width, figure.Bounds.Height);
            if (soft is null)
            {
                _canvas.DrawBitmap(sprite, bounds, sampling, null);
                continue;
            }
            // Rack focus: the sharp figure gives way to the soft one as focus travels to the scenery.
            Blend(sprite, new SKRect(0, 0, sprite.Width, sprite.Height), bounds, 1 - pose.Focus!.Value);
            Blend(soft, new SKRect(0, 0, soft.Width, soft.Height), bounds, pose.Focus.Value);
        }
        _canvas.Restore();

        DrawSpeechMarks(index / (double)_request.Fps, near);
        foreach (var area in _overlayAreas) _canvas.DrawBitmap(_overlay, area, area, SKSamplingOptions.Default, null);
        if (_firstFrame is not null && index < _blendFrames)
        {
            using var fade = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(255 * (1 - index / (float)_blendFrames))) };
            _canvas.DrawBitmap(_firstFrame, frameRect, Linear, fade);
        }
        _canvas.Flush();
        return _frame.GetPixelSpan();
    }

    /// <summary>The part of the backdrop the camera sees: its middle frame-sized area at rest.</summary>
    private SKRect FarSource(LayerView view)
    {
        var marginX = Width * (CameraPath.Overscan - 1) / 2;
        var marginY = Height * (CameraPath.Overscan - 1) / 2;
        var centreX = marginX + Width * (0.5f + view.X);
        var centreY = marginY + Height * (0.5f + view.Y);
        var halfWidth = Width / 2f / view.Zoom;
        var halfHeight = Height / 2f / view.Zoom;
        return new SKRect(centreX - halfWidth, centreY - halfHeight, centreX + halfWidth, centreY + halfHeight);
    }

    /// <summary>Frame coordinates of the near layer at rest to where the camera now shows them.</summary>
    private SKMatrix NearMatrix(LayerView view)
    {
        if (view == LayerView.Rest) return SKMatrix.Identity;
        float centreX = Width / 2f, centreY = Height / 2f;
        return SKMatrix.CreateTranslation(centreX, centreY)
            .PreConcat(SKMatrix.CreateScale(view.Zoom, view.Zoom))
            .PreConcat(SKMatrix.CreateTranslation(-centreX - view.X * Width, -centreY - view.Y * Height));
    }

    /// <summary>The speech mark of each character speaking at this moment, beside its head, kept inside the frame.</summary>
    private void DrawSpeechMarks(double seconds, SKMatrix near)
    {
        foreach (var line in _request.Speech)
        {
            if (seconds < line.StartSeconds || seconds >= line.EndSeconds || !_speechMarks.TryGetValue(line.Speaker, out var mark)) continue;
            var figure = _figures.First(f => Same(f.Figure.Character.Name, line.Speaker)).Figure;
            var head = near.MapPoint(figure.Head);
            var reach = figure.Bounds.Height * 0.1f * near.ScaleX;
            var left = Math.Clamp(head.X + reach * 0.6f, 0, Width - mark.Width);
            var top = Math.Clamp(head.Y - reach * 1.4f - mark.Height, 0, Height - mark.Height);
            _canvas.DrawBitmap(mark, (int)left, (int)top, SKSamplingOptions.Default, null);
        }
    }

    private void Blend(SKBitmap layer, SKRect source, SKRect destination, float weight)
    {
        if (weight <= 0.004f) return;
        using var paint = new SKPaint { Color = SKColors.White.WithAlpha((byte)Math.Round(255 * Math.Min(1, weight))) };
        _canvas.DrawBitmap(layer, source, destination, Linear, paint);
    }

    /// <summary>The slate and the caption do not move: painted once, copied into each frame where they are.</summary>
    private void PaintOverlay()
    {
        using var canvas = new SKCanvas(_overlay);
        canvas.Clear(SKColors.Transparent);
        if (SceneLabels.SlateText(_request.Environment) is { } slate) _overlayAreas.Add(SceneLabels.DrawSlate(canvas, slate, Width, Height));
        if (!string.IsNullOrWhiteSpace(_request.Action))
        {
            var band = FrameLayout.CaptionBand(Width, Height);
            Caption.Draw(canvas, _request.Action, band);
            _overlayAreas.Add(SKRectI.Intersect(SKRectI.Ceiling(band), new SKRectI(0, 0, Width, Height)));
        }
    }

    /// <summary>A figure in the scene's light; the listener of an over-the-shoulder shot, back to the camera, in shadow.</summary>
    private static SKBitmap LitSprite(FramedFigure figure, SceneLight light)
    {
        using var sprite = FigureSprite.Draw(figure.Character, figure.Bounds.Width, figure.Bounds.Height);
        using var filter = light.Filter(figure.FromBehind ? 0.45f : 1f);
        if (filter is null) return sprite.Copy();
        var lit = new SKBitmap(sprite.Info);
        using var canvas = new SKCanvas(lit);
        canvas.Clear(SKColors.Transparent);
        using var paint = new SKPaint { ColorFilter = filter };
        canvas.DrawBitmap(sprite, 0, 0, SKSamplingOptions.Default, paint);
        return lit;
    }

    private static SKBitmap Soften(SKBitmap source, float sigma)
    {
        var soft = new SKBitmap(source.Info);
        using var canvas = new SKCanvas(soft);
        canvas.Clear(SKColors.Transparent);
        using var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) };
        canvas.DrawBitmap(source, 0, 0, SKSamplingOptions.Default, paint);
        return soft;
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public void Dispose()
    {
        _canvas.Dispose();
        _frame.Dispose();
        _overlay.Dispose();
        _backdrop.Dispose();
        _backdropSoft?.Dispose();
        foreach (var (_, sprite, soft) in _figures)
        {
            sprite.Dispose();
            soft?.Dispose();
        }
        foreach (var mark in _speechMarks.Values) mark.Dispose();
    }
}
