using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.ServiceDefaults;
using Npgsql;

namespace Ministudio.Prompt.Jobs;

/// <summary>The platform's provenance key, bound from Provenance (Provenance:Key, a secret of at least 32 characters).</summary>
public sealed class ProvenanceOptions
{
    public const string Section = "Provenance";
    public const int MinKeyLength = 32;

    /// <summary>HMAC-SHA256 key of manifest.sig; without one, films get no manifest (the MP4 tag still says AI-generated).</summary>
    public string? Key { get; set; }
}

/// <summary>What made a film: per shot its vendor, seed, prompt and clip hashes; the film's hash; when. Written as indented JSON.</summary>
public sealed record ProvenanceManifest(
    string Generator,
    bool AiGenerated,
    Guid JobId,
    string Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset ComposedAt,
    string FilmSha256,
    IReadOnlyList<ShotProvenance> Shots);

public sealed record ShotProvenance(int Index, string? Vendor, long? Seed, string PromptSha256, string? ClipSha256);

/// <summary>
/// Writes a finished film's provenance manifest (manifest.json) and its signature (manifest.sig: the lower-case hex
/// HMAC-SHA256 of manifest.json's exact bytes under Provenance:Key) into the artifact store, as two more deliverables.
/// docs/films.md has the openssl command that verifies them, and that the film is the one the manifest names.
/// What it needs from PostgreSQL is read on a short connection of its own, returned to the pool before the artifact
/// store is touched: a store that is down (and retried) must never hold pooled connections.
/// </summary>
public sealed class ProvenanceManifests(NpgsqlDataSource dataSource, ArtifactStore artifacts, IOptions<ProvenanceOptions> options, TimeProvider time)
{
    public const string ManifestName = "manifest.json", SignatureName = "manifest.sig";

    private static readonly JsonSerializerOptions Indented = new(JsonSerializerOptions.Web) { WriteIndented = true };

    /// <summary>The manifest and signature deliverables of a film just composed; none without a key.</summary>
    public async Task<IReadOnlyList<FilmDeliverable>> WriteAsync(Guid jobId, string filmSha256, CancellationToken ct)
    {
        if (options.Value.Key is not { Length: > 0 } key) return [];
        // A report about a job that is gone, finished already (a redelivery) or never ours gets no manifest.
        if (await ReadAsync(jobId, filmSha256, ct) is not { } manifest) return [];
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(manifest, Indented) + "\n");
        var folder = artifacts.CreateScratchFolder();
        try
        {
            var manifestPath = Path.Combine(folder, ManifestName);
            var signaturePath = Path.Combine(folder, SignatureName);
            await File.WriteAllBytesAsync(manifestPath, json, ct);
            await File.WriteAllTextAsync(signaturePath, Sign(key, json) + "\n", ct);
            return [new(ManifestName, await artifacts.AddFileAsync(manifestPath, ct), "application/json"),
                    new(SignatureName, await artifacts.AddFileAsync(signaturePath, ct), "text/plain")];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static string Sign(string key, byte[] manifest) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), manifest));

    private async Task<ProvenanceManifest?> ReadAsync(Guid jobId, string filmSha256, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        string title;
        DateTimeOffset createdAt;
        await using (var job = new NpgsqlCommand("SELECT title, created_at FROM jobs WHERE id = @id AND status = @running", connection))
        {
            job.Parameters.AddWithValue("id", jobId);
            job.Parameters.AddWithValue("running", JobStatus.Running);
            await using var reader = await job.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            (title, createdAt) = (reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1));
        }
        var shots = new List<ShotProvenance>();
        await using (var select = new NpgsqlCommand(
            "SELECT idx, provider, (request->>'seed')::bigint, prompt, artifact_hash FROM shots WHERE job_id = @id ORDER BY idx", connection))
        {
            select.Parameters.AddWithValue("id", jobId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                shots.Add(new ShotProvenance(reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2),
                    Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(reader.GetString(3)))), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }
        return new ProvenanceManifest("Ministudio", true, jobId, title, createdAt, time.GetUtcNow(), filmSha256, shots);
    }
}
