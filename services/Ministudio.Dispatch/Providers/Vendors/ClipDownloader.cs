using Ministudio.Platform;

namespace Ministudio.Dispatch.Providers.Vendors;

/// <summary>
/// Copies a vendor's finished video into our artifact store before the vendor's link expires, refusing anything
/// larger than the cap or that is not an MP4/QuickTime file, so a bad answer never becomes a clip.
/// </summary>
public sealed class ClipDownloader(ArtifactStore artifacts, IConfiguration configuration)
{
    private readonly long _maxBytes = configuration.GetValue("Dispatch:MaxClipBytes", 512L * 1024 * 1024);

    /// <summary>Sends <paramref name="request"/> (a download URL, with whatever auth the vendor wants) and stores the body.</summary>
    public async Task<string> DownloadAsync(HttpClient client, HttpRequestMessage request, string vendor, CancellationToken ct)
    {
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await VendorResponses.EnsureSuccessAsync(response, vendor, ct);
        if (response.Content.Headers.ContentLength > _maxBytes) throw TooLarge(vendor);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await StoreAsync(body, vendor, ct);
    }

    /// <summary>Stores a video the vendor returned inline (base64 in JSON, a multipart part).</summary>
    public async Task<string> StoreAsync(Stream video, string vendor, CancellationToken ct)
    {
        var folder = artifacts.CreateScratchFolder();
        try
        {
            var path = Path.Combine(folder, "clip.mp4");
            await using (var file = File.Create(path))
            {
                var buffer = new byte[81920];
                long total = 0;
                int read;
                while ((read = await video.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > _maxBytes) throw TooLarge(vendor);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            if (!await LooksLikeMp4Async(path, ct))
                throw new ProviderException(ProviderErrors.BadOutput, $"{vendor} returned something that is not an MP4 video.", retryable: false);
            return await artifacts.AddFileAsync(path, ct);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>ISO base media files start with a box whose type, at offset 4, is "ftyp".</summary>
    private static async Task<bool> LooksLikeMp4Async(string path, CancellationToken ct)
    {
        var header = new byte[8];
        await using var file = File.OpenRead(path);
        return await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct) == header.Length
            && header.AsSpan(4, 4).SequenceEqual("ftyp"u8);
    }

    private ProviderException TooLarge(string vendor) =>
        new(ProviderErrors.BadOutput, $"{vendor} returned a video larger than {_maxBytes} bytes.", retryable: false);
}
