namespace Ministudio.TestSupport;

/// <summary>Real media for fakes and inputs, made once per test run with ffmpeg.</summary>
public static class TestMedia
{
    private static readonly Lazy<Task<byte[]>> Clip = new(() => RenderAsync("clip.mp4",
        ["-f", "lavfi", "-i", "testsrc=size=320x180:rate=24", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p"]));

    private static readonly Lazy<Task<byte[]>> Image = new(() => RenderAsync("reference.png",
        ["-f", "lavfi", "-i", "testsrc=size=400x400", "-frames:v", "1"]));

    /// <summary>A 1 s 320x180 H.264 MP4.</summary>
    public static Task<byte[]> ClipAsync() => Clip.Value;

    /// <summary>A 400x400 PNG (vendors refuse reference images whose short side is 300 px or less).</summary>
    public static Task<byte[]> ImageAsync() => Image.Value;

    /// <summary>A file ffmpeg makes from <paramref name="arguments"/> (inputs and encoding; the output name last).</summary>
    public static async Task<byte[]> RenderAsync(string name, IReadOnlyList<string> arguments)
    {
        var folder = Directory.CreateTempSubdirectory("ministudio-test-media").FullName;
        try
        {
            var output = Path.Combine(folder, name);
            await ToolRun.StdoutAsync("ffmpeg", ["-v", "error", "-y", .. arguments, output]);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
