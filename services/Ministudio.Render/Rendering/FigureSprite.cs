using System.Security.Cryptography;
using System.Text;
using Ministudio.Contracts.Render;
using SkiaSharp;

namespace Ministudio.Render.Rendering;

/// <summary>
/// A character drawn as a stylised figure. Every colour and proportion comes from a hash of the character's name and
/// identity alone (keys sorted), so the same character is the same bitmap in every shot, and different characters differ.
/// </summary>
public static class FigureSprite
{
    /// <summary>Where the middle of the head is, as a fraction of the sprite's height from its top (for every identity, within 0.02).</summary>
    public const float HeadCentre = 0.185f;

    public static SKBitmap Draw(CharacterLook character, int width, int height)
    {
        var traits = new Traits(IdentityHash(character));
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.Transparent);
        using var paint = new SKPaint { IsAntialias = true };

        var centreX = width / 2f;
        var headRadius = width * (0.2f + 0.06f * traits.Unit(0));
        var headCentreY = height * 0.06f + headRadius * 1.1f;
        var shoulders = headCentreY + headRadius * 1.15f;
        var bodyWidth = width * (0.62f + 0.3f * traits.Unit(1));

        // Legs, then the body: a rounded tunic in the character's clothing colour.
        paint.Color = traits.Colour(2, saturation: 0.35f, lightness: 0.28f);
        canvas.DrawRoundRect(new SKRect(centreX - bodyWidth * 0.32f, height * 0.7f, centreX - bodyWidth * 0.06f, height), 6, 6, paint);
        canvas.DrawRoundRect(new SKRect(centreX + bodyWidth * 0.06f, height * 0.7f, centreX + bodyWidth * 0.32f, height), 6, 6, paint);
        paint.Color = traits.Colour(3, saturation: 0.65f, lightness: 0.5f);
        canvas.DrawRoundRect(new SKRect(centreX - bodyWidth / 2, shoulders, centreX + bodyWidth / 2, height * 0.76f), bodyWidth * 0.25f, bodyWidth * 0.25f, paint);

        // Skin, hair (behind and over the head), eyes.
        var skin = Named(character, "skin", SkinWords) ?? SkinTones[traits.Index(4, SkinTones.Length)];
        var hair = Named(character, "hair", ColourWords) ?? traits.Colour(5, saturation: 0.55f, lightness: 0.12f + 0.5f * traits.Unit(6));
        paint.Color = hair;
        var hairVolume = 1.08f + 0.3f * traits.Unit(7);
        canvas.DrawCircle(centreX, headCentreY - headRadius * 0.08f, headRadius * hairVolume, paint);
        paint.Color = skin;
        canvas.DrawOval(centreX, headCentreY + headRadius * 0.08f, headRadius * (0.82f + 0.12f * traits.Unit(8)), headRadius * 0.95f, paint);
        paint.Color = hair;
        canvas.DrawRect(new SKRect(centreX - headRadius, headCentreY - headRadius * hairVolume, centreX + headRadius, headCentreY - headRadius * 0.35f), paint);
        var eyeColour = Named(character, "eyes", ColourWords) ?? traits.Colour(9, saturation: 0.7f, lightness: 0.35f);
        var eyeY = headCentreY + headRadius * 0.05f;
        foreach (var side in new[] { -1f, 1f })
        {
            paint.Color = SKColors.White;
            canvas.DrawCircle(centreX + side * headRadius * 0.36f, eyeY, headRadius * 0.16f, paint);
            paint.Color = eyeColour;
            canvas.DrawCircle(centreX + side * headRadius * 0.36f, eyeY, headRadius * 0.09f, paint);
        }
        paint.Color = skin.WithAlpha(255).Darker();
        paint.Style = SKPaintStyle.Stroke;
        paint.StrokeWidth = Math.Max(2, headRadius * 0.06f);
        canvas.DrawArc(new SKRect(centreX - headRadius * 0.3f, eyeY + headRadius * 0.2f, centreX + headRadius * 0.3f, eyeY + headRadius * 0.55f), 20, 140, false, paint);
        return bitmap;
    }

    /// <summary>Part of the sprite the tunic always covers, whatever the traits (used to compare figures across shots).</summary>
    public static SKRectI TorsoCore(int width, int height)
    {
        // Smallest tunic: width 0.62·w centred; from below the largest head (≈0.5·h of a 1:2 sprite) to 0.76·h.
        var halfWidth = (int)(width * 0.2f);
        return new SKRectI(width / 2 - halfWidth, (int)(height * 0.52f), width / 2 + halfWidth, (int)(height * 0.72f));
    }

    private static readonly SKColor[] SkinTones =
    [
        new(0xF6, 0xD7, 0xC3), new(0xEA, 0xC0, 0x86), new(0xC6, 0x8E, 0x61), new(0xA0, 0x6A, 0x42),
        new(0x7A, 0x4E, 0x2D), new(0x5A, 0x38, 0x25), new(0xD9, 0xA6, 0x7E), new(0x8D, 0x5B, 0x3A),
    ];

    // Colour words in an identity field win over the hash, so "silver hair" and "green eyes" look like it.
    private static readonly (string Word, SKColor Colour)[] ColourWords =
    [
        ("silver", new(0xC8, 0xCC, 0xD2)), ("grey", new(0x8E, 0x92, 0x98)), ("gray", new(0x8E, 0x92, 0x98)), ("white", new(0xF2, 0xF2, 0xEE)),
        ("black", new(0x1E, 0x1C, 0x1C)), ("blonde", new(0xE8, 0xCB, 0x7A)), ("blond", new(0xE8, 0xCB, 0x7A)), ("golden", new(0xD9, 0xA4, 0x41)),
        ("auburn", new(0x92, 0x3A, 0x22)), ("red", new(0xB5, 0x3A, 0x22)), ("ginger", new(0xC4, 0x5C, 0x26)), ("brown", new(0x5C, 0x3A, 0x21)),
        ("chestnut", new(0x6E, 0x36, 0x1C)), ("green", new(0x3C, 0x8D, 0x4F)), ("blue", new(0x3A, 0x6E, 0xC2)), ("hazel", new(0x8E, 0x76, 0x3A)),
        ("amber", new(0xC8, 0x8A, 0x22)), ("violet", new(0x7A, 0x4E, 0xB8)), ("purple", new(0x7A, 0x4E, 0xB8)), ("pink", new(0xE8, 0x8F, 0xB4)),
    ];

    private static readonly (string Word, SKColor Colour)[] SkinWords =
    [
        ("deep brown", new(0x5A, 0x38, 0x25)), ("dark", new(0x6B, 0x43, 0x2B)), ("ebony", new(0x4A, 0x2E, 0x1E)), ("brown", new(0x8D, 0x5B, 0x3A)),
        ("tan", new(0xC6, 0x8E, 0x61)), ("olive", new(0xC9, 0xA2, 0x72)), ("golden", new(0xE0, 0xAC, 0x69)), ("fair", new(0xF6, 0xD7, 0xC3)),
        ("pale", new(0xFA, 0xE3, 0xD6)), ("light", new(0xF1, 0xCF, 0xB4)), ("freckled", new(0xEE, 0xC4, 0xA4)),
    ];

    private static SKColor? Named(CharacterLook character, string field, (string Word, SKColor Colour)[] words) =>
        character.Identity.TryGetValue(field, out var text)
            ? words.Where(w => text.Contains(w.Word, StringComparison.OrdinalIgnoreCase)).Select(w => (SKColor?)w.Colour).FirstOrDefault()
            : null;

    private static byte[] IdentityHash(CharacterLook character)
    {
        var text = new StringBuilder(character.Name);
        foreach (var (key, value) in character.Identity.OrderBy(e => e.Key, StringComparer.Ordinal)) text.Append('\n').Append(key).Append('=').Append(value);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static SKColor Darker(this SKColor colour) => new((byte)(colour.Red * 0.7), (byte)(colour.Green * 0.7), (byte)(colour.Blue * 0.7));

    private readonly struct Traits(byte[] hash)
    {
        public float Unit(int i) => hash[i % hash.Length] / 255f;

        public int Index(int i, int count) => hash[i % hash.Length] % count;

        public SKColor Colour(int i, float saturation, float lightness) =>
            SKColor.FromHsl(hash[i % hash.Length] * 360f / 256f, saturation * 100, Math.Clamp(lightness, 0, 1) * 100);
    }
}
