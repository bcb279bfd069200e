using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Ministudio.Contracts;
using Ministudio.Dispatch.Caching;
using Ministudio.Prompt.Films;

namespace Ministudio.Bench.Micro;

/// <summary>prompt's compilation of a film (samples/lighthouse.json, 3 shots) and dispatch's canonical hash of one shot request.</summary>
[MemoryDiagnoser]
public class PromptBenchmarks
{
    private FilmSpec _film = null!;
    private ShotRequest _shot = null!;

    [GlobalSetup]
    public void Setup()
    {
        var json = File.ReadAllText(Path.Combine(HotPaths.RepositoryRoot(), "samples", "lighthouse.json"));
        _film = JsonSerializer.Deserialize<FilmSpec>(json, JsonSerializerOptions.Web)!;
        _shot = PromptCompiler.Compile(_film).Shots[0].Request;
    }

    [Benchmark]
    public CompiledFilm CompileFilm() => PromptCompiler.Compile(_film);

    [Benchmark]
    public string CanonicalRequestHash() => ResultCache.KeyOf(Guid.Empty, _shot);
}
