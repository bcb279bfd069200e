using Ministudio.Platform;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>An image a vendor conditions on, with its media type, ready to upload or inline.</summary>
public sealed record InputImage(byte[] Bytes, string MediaType)
{
    public string ToDataUri() => $"data:{MediaType};base64,{Convert.ToBase64String(Bytes)}";

    public string ToBase64() => Convert.ToBase64String(Bytes);
}

/// <summary>
/// The images a shot conditions on, read from the artifact store: the first frame (the last frame of the previous
/// clip in a continuity chain) and the reference images of its characters and environment.
/// </summary>
public sealed class ShotInputs(ArtifactStore artifacts)
{
    /// <summary>The last frame of the previous clip as a PNG, or null when the shot does not continue another.</summary>
    public async Task<InputImage?> FirstFrameAsync(Contracts.ShotRequest request, CancellationToken ct)
    {
        if (request.FirstFrameClip is not { } clip) return null;
        var clipPath = await artifacts.FetchAsync(clip, ct)
            ?? throw new ProviderException("render.missing_input", $"The previous clip {clip} is not in the artifact store.", retryable: false);

        var folder = artifacts.CreateScratchFolder();
        try
        {
            var frame = Path.Combine(folder, "frame.png");
            // -sseof seeks from the end: the last half second holds the final frame whatever the clip's length.
            var result = await ToolProcess.RunAsync("ffmpeg",
                ["-v", "error", .. ToolProcess.LocalOnly, "-sseof", "-0.5", "-i", clipPath, "-update", "1", "-frames:v", "1000", frame], ct);
            if (result.ExitCode != 0 || !File.Exists(frame))
                throw new ProviderException(ProviderErrors.BadOutput, $"Could not read the last frame of {clip}: {result.StandardError}", retryable: false);
            return new InputImage(await File.ReadAllBytesAsync(frame, ct), "image/png");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The shot's reference images, in request order; the artifact store only holds ones prompt checked.</summary>
    public async Task<IReadOnlyList<InputImage>> ReferenceImagesAsync(Contracts.ShotRequest request, CancellationToken ct)
    {
        var images = new List<InputImage>();
        foreach (var hash in request.ReferenceImages ?? [])
        {
            var path = await artifacts.FetchAsync(hash, ct)
                ?? throw new ProviderException("render.missing_input", $"The reference image {hash} is not in the artifact store.", retryable: false);
            var bytes = await File.ReadAllBytesAsync(path, ct);
            images.Add(new InputImage(bytes, MediaTypeOf(bytes)));
        }
        return images;
    }

    private static string MediaTypeOf(ReadOnlySpan<byte> bytes) => bytes switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => "application/octet-stream",
    };
}
