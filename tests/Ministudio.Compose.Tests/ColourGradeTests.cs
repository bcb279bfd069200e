using Ministudio.Contracts;
using Ministudio.TestSupport;
using static Ministudio.Compose.Tests.Studio;

namespace Ministudio.Compose.Tests;

/// <summary>Colour-grade presets are real ffmpeg grades: each moves a frame's colour the way its name says.</summary>
public sealed class ColourGradeTests : IDisposable
{
    private readonly Studio _studio = new();

    public void Dispose() => _studio.Dispose();

    [Fact]
    public async Task Every_grade_moves_the_picture_in_its_direction_and_never_stream_copies()
    {
        // A mid-grey clip with some colour in it has room to move either way; a contrast grade shows on a dark one.
        var mid = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "0x808070", 1, 1280, 720));
        var dark = await _studio.AddAsync(await Clips.SolidAsync(_studio.Fixtures, "0x403830", 1, 1280, 720));

        var plainOf = new Dictionary<string, (int R, int G, int B)>();
        foreach (var clip in new[] { mid, dark })
            plainOf[clip] = Pixels.Average(await Media.FrameAtAsync((await _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0)))).Path, 0.5));

        foreach (var grade in ColourGrades.All.Values)
        {
            var clip = grade.Shift == "contrast" ? dark : mid;
            var plain = plainOf[clip];
            var film = await _studio.RenderAsync(OneTrack(Draft(), Video(clip, 0) with { Grade = grade.Name }));
            var (r, g, b) = Pixels.Average(await Media.FrameAtAsync(film.Path, 0.5));
            var what = $"{grade.Name}: ({plain.R}, {plain.G}, {plain.B}) became ({r}, {g}, {b})";
            if (grade.Name != ColourGrades.Neutral) Assert.False(film.StreamCopied, what);
            switch (grade.Shift)
            {
                case "none": Assert.True(Math.Abs(r - plain.R) + Math.Abs(g - plain.G) + Math.Abs(b - plain.B) <= 3, what); break;
                case "warmer": Assert.True(r - b > plain.R - plain.B + 10, what); break;
                case "cooler": Assert.True(b - r > plain.B - plain.R + 10, what); break;
                case "monochrome": Assert.True(Math.Max(Math.Abs(r - g), Math.Abs(g - b)) <= 2 && plain.R - plain.B > 10, what); break;
                case "brighter": Assert.True(r + g + b > plain.R + plain.G + plain.B + 15, what); break;
                case "desaturated": Assert.True(Spread(r, g, b) < Spread(plain.R, plain.G, plain.B), what); break;
                case "contrast": Assert.True(r + g + b < plain.R + plain.G + plain.B - 6, what); break;
                case "teal-orange": Assert.True(r - b > plain.R - plain.B + 10, what); break; // mid tones and up go orange
                default: Assert.True(Math.Abs(r - plain.R) + Math.Abs(g - plain.G) + Math.Abs(b - plain.B) > 4, what); break;
            }
        }
    }

    private static int Spread(int r, int g, int b) => Math.Max(r, Math.Max(g, b)) - Math.Min(r, Math.Min(g, b));
}
