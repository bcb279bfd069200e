using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Ministudio.AppHost;

/// <summary>
/// Submits a film through the gateway as a client would, follows the job four times a second and downloads the video:
/// the launcher's smoke test of the whole platform.
/// </summary>
public sealed class FilmRun(Uri gateway, string apiKey, TextWriter output)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <returns>The path of the downloaded video, or null when the job failed or the API refused it (already reported).</returns>
    public async Task<string?> RunAsync(string filmPath, string outputDirectory, CancellationToken cancellationToken)
    {
        var spec = await File.ReadAllTextAsync(filmPath, cancellationToken);
        var title = JsonNode.Parse(spec)?["title"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(filmPath);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);

        var clock = Stopwatch.StartNew();
        using var submitted = await client.PostAsync("/v1/films", new StringContent(spec, Encoding.UTF8, "application/json"), cancellationToken);
        if (!submitted.IsSuccessStatusCode) return await RefusedAsync("POST /v1/films", submitted, cancellationToken);
        var jobId = JsonNode.Parse(await submitted.Content.ReadAsStringAsync(cancellationToken))?["id"]?.GetValue<string>()
                    ?? throw new InvalidOperationException("POST /v1/films answered without a job id.");
        output.WriteLine($"Submitted \"{title}\" as job {jobId}");

        JsonNode job;
        var lastLine = "";
        while (true)
        {
            using var polled = await client.GetAsync($"/v1/jobs/{jobId}", cancellationToken);
            if (!polled.IsSuccessStatusCode) return await RefusedAsync($"GET /v1/jobs/{jobId}", polled, cancellationToken);
            job = JsonNode.Parse(await polled.Content.ReadAsStringAsync(cancellationToken))!;
            var line = ProgressLine(job);
            if (line != lastLine) output.WriteLine(line);
            lastLine = line;
            var status = job["status"]?.GetValue<string>();
            if (status is "succeeded" or "failed") break;
            await Task.Delay(PollInterval, cancellationToken);
        }

        if (job["status"]!.GetValue<string>() == "failed")
        {
            output.WriteLine($"Job {jobId} failed after {clock.Elapsed.TotalSeconds:0.0} s: {job["error"]?.ToJsonString() ?? "(no error given)"}");
            return null;
        }

        Directory.CreateDirectory(outputDirectory);
        var target = Path.GetFullPath(Path.Combine(outputDirectory, $"{Slug(title)}.mp4"));
        using (var video = await client.GetAsync($"/v1/jobs/{jobId}/video", HttpCompletionOption.ResponseHeadersRead, cancellationToken))
        {
            if (!video.IsSuccessStatusCode) return await RefusedAsync($"GET /v1/jobs/{jobId}/video", video, cancellationToken);
            await using var file = File.Create(target);
            await video.Content.CopyToAsync(file, cancellationToken);
        }
        output.WriteLine($"Film written to {target} ({new FileInfo(target).Length / 1024.0 / 1024.0:0.0} MiB) in {clock.Elapsed.TotalSeconds:0.0} s");
        return target;
    }

    /// <summary>"the-lighthouse-keepers" from "The Lighthouse Keepers": safe as a file name everywhere.</summary>
    public static string Slug(string title)
    {
        var slug = new StringBuilder();
        foreach (var character in title.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(character)) slug.Append(character);
            else if (CharUnicodeInfo.GetUnicodeCategory(character) != UnicodeCategory.NonSpacingMark && slug.Length > 0 && slug[^1] != '-')
                slug.Append('-');
        }
        var result = slug.ToString().Trim('-');
        return result.Length > 0 ? result : "film";
    }

    private static string ProgressLine(JsonNode job)
    {
        var shots = job["shots"]?.AsArray().Select(shot =>
        {
            var cached = shot?["fromCache"]?.GetValue<bool>() == true ? " cached" : "";
            return $"#{shot?["index"]} {shot?["status"]} {Percent(shot?["progress"])}{cached}";
        }) ?? [];
        return $"Job {job["status"]} {Percent(job["progress"])} | {string.Join(" | ", shots)}";
    }

    private static string Percent(JsonNode? fraction) =>
        fraction is null ? "?" : $"{fraction.GetValue<double>() * 100:0}%";

    private async Task<string?> RefusedAsync(string request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        output.WriteLine($"{request} answered {(int)response.StatusCode} {response.ReasonPhrase}: {body}");
        return null;
    }
}
