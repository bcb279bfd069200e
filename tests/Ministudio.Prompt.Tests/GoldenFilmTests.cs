using System.Net;
using System.Text;
using System.Text.Json;
using Ministudio.TestSupport;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// The sample films in samples/ compile, through POST /v1/films:compile, to the prompts checked in under
/// samples/golden/. A change to the compiler shows up here as a diff; regenerate with UPDATE_GOLDEN=1. Films under
/// samples/compile-only/ name paid vendors: they are compiled here but never rendered by the end-to-end suite.
/// </summary>
public sealed class GoldenFilmTests : IAsyncLifetime
{
    private static readonly string Samples = Path.Combine(Repository.Root, "samples");
    private PromptApp _app = null!;

    public async ValueTask InitializeAsync() => _app = await PromptApp.StartAsync();

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    public static TheoryData<string> SampleFilms => new(Directory.GetFiles(Samples, "*.json").Select(Path.GetFileNameWithoutExtension)
        .Concat(Directory.GetFiles(Path.Combine(Samples, "compile-only"), "*.json").Select(path => $"compile-only/{Path.GetFileNameWithoutExtension(path)}"))
        .Order()!);

    [Theory]
    [MemberData(nameof(SampleFilms))]
    public async Task A_sample_film_compiles_to_its_golden_prompts(string sample)
    {
        var body = await File.ReadAllTextAsync(Path.Combine(Samples, $"{sample}.json"), TestContext.Current.CancellationToken);
        var response = await _app.ClientFor(_app.Acme).PostAsync("/v1/films:compile", new StringContent(body, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);

        var actual = Describe(JsonDocument.Parse(text).RootElement);
        var golden = Path.Combine(Samples, "golden", $"{sample}.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1") await File.WriteAllTextAsync(golden, actual, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(golden), $"No golden file {golden}; run the tests once with UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(await File.ReadAllTextAsync(golden, TestContext.Current.CancellationToken), actual);
    }

    /// <summary>A reviewable text form of a dry run: each shot's prompt and the request fields a vendor sees.</summary>
    private static string Describe(JsonElement compiled)
    {
        var text = new StringBuilder();
        foreach (var shot in compiled.GetProperty("shots").EnumerateArray())
        {
            var request = shot.GetProperty("request");
            var parts = shot.GetProperty("parts").GetInt32();
            text.AppendLine($"## shot {shot.GetProperty("index")} (chain {shot.GetProperty("chain")})" +
                            (parts > 1 ? $" film shot {shot.GetProperty("shot")}, part {shot.GetProperty("part")} of {parts}" : ""));
            text.AppendLine($"provider={request.GetProperty("provider")} size={request.GetProperty("width")}x{request.GetProperty("height")} " +
                            $"duration={request.GetProperty("durationSeconds")} seed={request.GetProperty("seed")} camera={request.GetProperty("cameraMove")}");
            text.AppendLine($"negative={request.GetProperty("negativePrompt")}");
            text.AppendLine($"palette={string.Join(" ", request.GetProperty("style").GetProperty("palette").EnumerateArray())}");
            text.AppendLine($"state={shot.GetProperty("state").GetRawText()}");
            text.AppendLine(shot.GetProperty("prompt").GetString());
            text.AppendLine();
        }
        foreach (var warning in compiled.GetProperty("warnings").EnumerateArray())
            text.AppendLine($"warning shot {warning.GetProperty("shot")} {warning.GetProperty("code")}: {warning.GetProperty("message")}");
        return text.ToString().ReplaceLineEndings("\n");
    }
}
