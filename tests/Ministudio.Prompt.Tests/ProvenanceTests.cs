using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Ministudio.Contracts;
using Ministudio.Platform;
using Ministudio.Prompt.Jobs;
using Ministudio.ServiceDefaults;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>A finished film's signed manifest, checked with the documented command (scripts/verify-provenance.sh).</summary>
public sealed class ProvenanceTests : IAsyncLifetime
{
    private const string Key = "provenance-key-for-tests-0123456789abcdef";
    private PromptApp _app = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync(new Dictionary<string, string> { ["Provenance:Key"] = Key });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task The_manifest_verifies_with_the_documented_command_and_fails_when_one_byte_of_the_film_changes()
    {
        var store = _app.Factory.Services.GetRequiredService<ArtifactStore>();
        Task<string> StoreAsync(string content) => store.AddTextAsync(content, ct: Ct);
        var client = _app.ClientFor(_app.Acme);
        var film = FilmSamples.ThreeShots();
        var job = (await (await client.PostAsJsonAsync("/v1/films", film, Ct)).Content.ReadFromJsonAsync<JobView>(JsonSerializerOptions.Web, Ct))!;
        for (var i = 0; i < 3; i++) await _app.Harness.Bus.Publish(new ShotRendered(job.Id, i, await StoreAsync($"clip {i}"), 3, false, "local"), Ct);
        await _app.Harness.PublishedAsync<ComposeFilm>(m => m.JobId == job.Id);
        var filmHash = await StoreAsync("the film's bytes");
        await _app.Harness.Bus.Publish(new FilmComposed(job.Id, filmHash, 8), Ct);
        var done = await Eventually.ValueAsync(async () => (await client.GetFromJsonAsync<JobView>($"/v1/jobs/{job.Id}", JsonSerializerOptions.Web, Ct))!,
            j => j.Status == JobStatus.Succeeded);

        var folder = Directory.CreateTempSubdirectory("ministudio-provenance").FullName;
        try
        {
            foreach (var name in new[] { "video", ProvenanceManifests.ManifestName, ProvenanceManifests.SignatureName })
            {
                var response = await client.GetAsync($"/v1/jobs/{job.Id}/{name}", Ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await File.WriteAllBytesAsync(Path.Combine(folder, name), await response.Content.ReadAsByteArrayAsync(Ct), Ct);
            }
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder, ProvenanceManifests.ManifestName), Ct));
            Assert.Equal(filmHash, manifest.RootElement.GetProperty("filmSha256").GetString());
            Assert.True(manifest.RootElement.GetProperty("aiGenerated").GetBoolean());
            var shots = manifest.RootElement.GetProperty("shots").EnumerateArray().ToList();
            Assert.Equal(done.Shots.Select(s => s.ClipSha256), shots.Select(s => s.GetProperty("clipSha256").GetString()));
            Assert.Equal(done.Shots.Select(s => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(s.Prompt)))),
                shots.Select(s => s.GetProperty("promptSha256").GetString()));
            Assert.All(shots, s => Assert.Equal("local", s.GetProperty("vendor").GetString()));

            Assert.Equal(0, await VerifyAsync(folder, Key));
            Assert.NotEqual(0, await VerifyAsync(folder, "another-key-that-is-long-enough-0123456789"));
            var video = Path.Combine(folder, "video");
            var bytes = await File.ReadAllBytesAsync(video, Ct);
            bytes[5] ^= 1;
            await File.WriteAllBytesAsync(video, bytes, Ct);
            Assert.NotEqual(0, await VerifyAsync(folder, Key));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<int> VerifyAsync(string folder, string key)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { Path.Combine(Repository.Root, "scripts", "verify-provenance.sh"), Path.Combine(folder, "video"),
            Path.Combine(folder, ProvenanceManifests.ManifestName), Path.Combine(folder, ProvenanceManifests.SignatureName) })
            start.ArgumentList.Add(argument);
        start.Environment["PROVENANCE_KEY"] = key;
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync(Ct);
        return process.ExitCode;
    }
}
