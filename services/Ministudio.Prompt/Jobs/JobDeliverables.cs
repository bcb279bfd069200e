using System.Text.Json;
using Ministudio.Contracts;
using Ministudio.Platform;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>A file of a job as the API lists it: its name under the job, where to download it, its hash and media type.</summary>
public sealed record DeliverableView(string Name, string Url, string Sha256, string MediaType);

/// <summary>
/// The files a job delivers: the film, what compose made next to it (poster, sprite and its track, captions, audio,
/// HLS, manifest) and each shot's clip. Every lookup is scoped by tenant: another tenant's job reads as missing.
/// </summary>
public sealed class JobDeliverables(NpgsqlDataSource dataSource)
{
    public const string Video = "video";

    public enum Lookup { Found, JobNotFound, NotReady, NoSuchFile }

    /// <summary>Everything a job lists under <c>deliverables</c>, in a fixed order: film, compose's files, shot clips.</summary>
    public static IReadOnlyList<DeliverableView> List(Guid jobId, string? filmHash, IReadOnlyList<FilmDeliverable> files, IEnumerable<ShotView> shots, PublicUrls urls)
    {
        var list = new List<DeliverableView>();
        if (filmHash is not null) list.Add(new(Video, urls.Of(JobPaths.Video(jobId)), filmHash, "video/mp4"));
        list.AddRange(files.Select(f => new DeliverableView(f.Name, urls.Of(JobPaths.File(jobId, f.Name)), f.Sha256, f.MediaType)));
        list.AddRange(shots.Where(s => s.ClipSha256 is not null)
            .Select(s => new DeliverableView($"shots/{s.Index}/video", urls.Of(JobPaths.ShotVideo(jobId, s.Index)), s.ClipSha256!, "video/mp4")));
        return list;
    }

    public static IReadOnlyList<FilmDeliverable> Parse(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<FilmDeliverable>>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>One of compose's files of a finished job, by name.</summary>
    public async Task<(Lookup Outcome, FilmDeliverable? File)> FindAsync(Guid tenantId, Guid jobId, string name, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT status, deliverables::text FROM jobs WHERE id = @id AND tenant_id = @tenant");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (Lookup.JobNotFound, null);
        if (reader.GetString(0) != JobStatus.Succeeded) return (Lookup.NotReady, null);
        var file = Parse(reader.IsDBNull(1) ? null : reader.GetString(1)).FirstOrDefault(f => f.Name == name);
        return file is null ? (Lookup.NoSuchFile, null) : (Lookup.Found, file);
    }

    /// <summary>A shot's clip, available as soon as the shot has rendered.</summary>
    public async Task<(Lookup Outcome, string? Hash)> FindShotClipAsync(Guid tenantId, Guid jobId, int index, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT (SELECT s.artifact_hash FROM shots s WHERE s.job_id = j.id AND s.idx = @idx),
                   EXISTS (SELECT 1 FROM shots s WHERE s.job_id = j.id AND s.idx = @idx)
            FROM jobs j WHERE j.id = @id AND j.tenant_id = @tenant
            """);
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("tenant", tenantId);
        command.Parameters.AddWithValue("idx", index);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return (Lookup.JobNotFound, null);
        if (!reader.GetBoolean(1)) return (Lookup.NoSuchFile, null);
        return reader.IsDBNull(0) ? (Lookup.NotReady, null) : (Lookup.Found, reader.GetString(0));
    }
}
