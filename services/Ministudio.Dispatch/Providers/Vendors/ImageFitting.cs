using System.Buffers.Binary;
using Ministudio.Platform;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// Scales and centre-crops an input image to an exact size (as a PNG), for vendors that reject a conditioning image
/// whose size differs from the video's. A PNG already at that size passes through untouched.
/// </summary>
public static class ImageFitting
{
    public static async Task<InputImage> FitAsync(InputImage image, int width, int height, CancellationToken ct)
    {
        if (PngSize(image.Bytes) == (width, height)) return image;
        var folder = Directory.CreateTempSubdirectory("ministudio-fit").FullName;
        try
        {
            var input = Path.Combine(folder, "input");
            var output = Path.Combine(folder, "fitted.png");
            await File.WriteAllBytesAsync(input, image.Bytes, ct);
            var result = await ToolProcess.RunAsync("ffmpeg", ["-v", "error", .. ToolProcess.LocalOnly, "-i", input,
                "-vf", $"scale={width}:{height}:force_original_aspect_ratio=increase,crop={width}:{height}", "-frames:v", "1", output], ct);
            if (result.ExitCode != 0 || !File.Exists(output))
                throw new ProviderException(ProviderErrors.InvalidRequest, $"Could not fit an input image to {width}x{height}: {result.StandardError}", retryable: false);
            return new InputImage(await File.ReadAllBytesAsync(output, ct), "image/png");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A PNG's IHDR chunk follows the 8-byte signature: width and height are big-endian at 16 and 20.</summary>
    public static (int Width, int Height)? PngSize(ReadOnlySpan<byte> bytes) =>
        bytes is [0x89, (byte)'P', (byte)'N', (byte)'G', ..] && bytes.Length >= 24
            ? (BinaryPrimitives.ReadInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadInt32BigEndian(bytes[20..]))
            : null;
}
