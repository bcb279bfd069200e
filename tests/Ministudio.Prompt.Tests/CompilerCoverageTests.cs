using System.Reflection;
using System.Text.Json;
using Ministudio.Prompt.Films;

namespace Ministudio.Prompt.Tests;

/// <summary>
/// Every field of a film spec must reach the prompt or the provider request. The spec is built by reflection with a
/// unique marker in every text field, so a field added to the spec but not compiled fails this test by itself.
/// </summary>
public sealed class CompilerCoverageTests
{
    // Fields that are not compiled text, each with where it goes instead; checked one by one below.
    private static readonly Dictionary<string, string> NotText = new()
    {
        ["FilmSpec.Title"] = "the job's title and the default seed",
        ["FilmSpec.AspectRatio"] = "request.AspectRatio, Width, Height",
        ["FilmSpec.Provider"] = "request.Provider",
        ["FilmSpec.Seed"] = "request.Seed of shots without their own",
        ["StyleSpec.Id"] = "resolved from the library before compiling",
        ["StyleSpec.Palette"] = "request.Style.Palette",
        ["StyleSpec.NegativePrompt"] = "request.NegativePrompt (or AVOID for vendors without the field)",
        ["CharacterSpec.Id"] = "resolved from the library before compiling",
        ["CharacterSpec.Name"] = "CHARACTER heading; shots and dialogue name characters by it",
        ["EnvironmentSpec.Id"] = "resolved from the library before compiling",
        ["ShotSpec.DurationSeconds"] = "request.DurationSeconds",
        ["ShotSpec.Camera"] = "SHOT words and request.CameraMove",
        ["ShotSpec.ShotType"] = "SHOT words",
        ["ShotSpec.Characters"] = "which characters appear",
        ["ShotSpec.Continuity"] = "CONTINUITY and STORY SO FAR",
        ["ShotSpec.Seed"] = "request.Seed",
        ["ShotSpec.Provider"] = "request.Provider",
        ["DialogueLine.Speaker"] = "DIALOGUE speaker",
        // Sound and cuts: compose's score (FilmScores.ScoreOf), and shot lengths (SpeechTiming).
        ["FilmSpec.Narrator"] = "score: the voice of every narration line",
        ["FilmSpec.Music"] = "score.Music",
        ["FilmSpec.Transition"] = "score: the transition into every shot without its own",
        ["FilmSpec.LoudnessLufs"] = "score.LoudnessLufs",
        ["FilmSpec.Timing"] = "shot lengths sized to speech (SpeechTiming)",
        ["ShotSpec.Transition"] = "score: the transition into the shot",
        ["ShotSpec.Timing"] = "the shot's length sized to its speech (SpeechTiming)",
        // Cinematography and looks: catalogue keys, compiled to the catalogue's words (Cinematography.json, ColourGrades).
        ["ShotSpec.Profile"] = "the shot's cinematography where it sets none itself",
        ["ShotSpec.Aperture"] = "SHOT words",
        ["ShotSpec.Composition"] = "SHOT words",
        ["ShotSpec.LightingSetup"] = "LIGHTING words",
        ["ShotSpec.ColourTemperature"] = "LIGHTING words",
        ["ShotSpec.Grade"] = "STYLE words and score: the clip's grade",
        ["ShotSpec.Evolution"] = "LIGHTING words and colour temperature across the run",
        ["FilmSpec.Grade"] = "the grade of shots without their own",
        ["SceneSpec.Grade"] = "the grade of the scene's shots without their own (Scenes.Flatten)",
        ["SceneSpec.Evolution"] = "the evolution of the scene's shots (Scenes.Flatten)",
        ["SceneSpec.State"] = "a state change with the scene's first shot (Scenes.Flatten; StatefulCompilerTests)",
        ["CharacterStateChange.Name"] = "which character's state changes",
        ["SceneSpec.Coverage"] = "dialogue shots expanded into a two-shot and over-the-shoulder shots (Scenes.Flatten; StatefulCompilerTests)",
    };

    private int _next;

    [Fact]
    public void Every_text_field_of_the_spec_reaches_the_prompt_or_the_request()
    {
        var markers = new Dictionary<string, string>();
        var film = (FilmSpec)Build(typeof(FilmSpec), nameof(FilmSpec), markers)!;
        // Shots written inside a scene (built last, so theirs are the markers kept) stand for the film's shots.
        film = Scenes.Flatten(film with { Shots = null }).Film;
        // Two shots so that the first's narration becomes the second's story context, and the environment's own time of
        // day, weather and lighting show in the first before the second's state change replaces them.
        film = film with
        {
            Shots = [film.Shots![0] with { Continuity = null, State = film.Shots[0].State! with { Environment = null } }, film.Shots[0] with { Continuity = true, Seed = null }],
        };

        var compiled = PromptCompiler.Compile(film);
        var output = string.Join("\n", compiled.Shots.Select(s => s.Prompt + "\n" + JsonSerializer.Serialize(s.Request)));

        Assert.NotEmpty(markers);
        Assert.All(markers, marker => Assert.True(output.Contains(marker.Value), $"{marker.Key} ({marker.Value}) reached neither prompt nor request"));
    }

    [Fact]
    public void Every_non_text_field_is_accounted_for()
    {
        var film = (FilmSpec)Build(typeof(FilmSpec), nameof(FilmSpec), [])!;
        var shot = PromptCompiler.Compile(film with { Provider = "local" }).Shots[0];

        Assert.Equal((film.AspectRatio, 1280, 720), (shot.Request.AspectRatio, shot.Request.Width, shot.Request.Height));
        Assert.Equal(film.Shots![0].Provider, shot.Request.Provider);
        Assert.Equal(film.Shots[0].Seed, shot.Request.Seed);
        Assert.Equal(film.Shots[0].DurationSeconds, shot.Request.DurationSeconds);
        Assert.Equal(film.Shots[0].Camera, shot.Request.CameraMove);
        Assert.Contains(Cinematography.ShotTypeWords(film.Shots[0].ShotType)!, shot.Prompt);
        Assert.Equal(film.Style!.Palette, shot.Request.Style.Palette);
        Assert.Equal(film.Style.NegativePrompt, shot.Request.NegativePrompt);
        Assert.Equal(film.Characters!.Select(c => c.Name), shot.Request.Characters.Select(c => c.Name));
        Assert.Contains($"CHARACTER {film.Characters![0].Name}:", shot.Prompt);
        Assert.Contains($"DIALOGUE: {film.Characters[0].Name}", shot.Prompt);
        Assert.Contains(Cinematography.ApertureWords(film.Shots[0].Aperture)!, shot.Prompt);
        Assert.Contains(Cinematography.CompositionWords(film.Shots[0].Composition)!, shot.Prompt);
        Assert.Contains(Cinematography.LightingSetupWords(film.Shots[0].LightingSetup)!, shot.Prompt);
        Assert.Contains(Cinematography.KelvinWords(film.Shots[0].ColourTemperature)!, shot.Prompt);
        Assert.Contains(Ministudio.Contracts.ColourGrades.All[film.Shots[0].Grade!].Words, shot.Prompt);
        Assert.Contains("(revelation, shot 1 of 1)", shot.Prompt);
        var unseeded = PromptCompiler.Compile(film with { Shots = [film.Shots[0] with { Seed = null }] }).Shots[0];
        Assert.Equal(film.Seed, unseeded.Request.Seed);
    }

    [Fact]
    public void Every_sound_field_reaches_the_score()
    {
        var film = (FilmSpec)Build(typeof(FilmSpec), nameof(FilmSpec), [])!;
        film = film with { Shots = [film.Shots![0], film.Shots[0] with { Transition = null }, film.Shots[0]] };
        var score = FilmScores.ScoreOf(film);

        Assert.Equal(film.Narrator!.VoiceId, score.Shots[0].Lines[0].Voice);
        Assert.Equal(new Ministudio.Contracts.Soundtrack(film.Music!.Asset!, film.Music.Volume!.Value), score.Music);
        Assert.Equal(film.LoudnessLufs, score.LoudnessLufs);
        Assert.All(score.Shots, s => Assert.Equal(film.Shots[0].Grade, s.Grade));
        Assert.Equal("noir", FilmScores.ScoreOf(film with { Shots = [film.Shots[0] with { Grade = null }] }).Shots[0].Grade);
        Assert.Equal([null, new("dissolve", 0.25), new("wipeleft", 0.75)], score.Shots.Select(s => s.Transition));
        // Timing is checked where it acts: FilmSoundApiTests (shots sized to their speech).
        Assert.Equal((SpeechTiming.Narration, SpeechTiming.Narration), (film.Timing, film.Shots[0].Timing));
    }

    [Fact]
    public void The_list_of_non_text_fields_matches_the_spec()
    {
        var properties = SpecTypes().SelectMany(t => t.GetProperties().Select(p => $"{t.Name}.{p.Name}")).ToHashSet();
        Assert.All(NotText.Keys, key => Assert.Contains(key, properties));
    }

    private object? Build(Type type, string path, Dictionary<string, string> markers)
    {
        if (NotText.ContainsKey(path)) return ValidValue(path, type);
        if (type == typeof(string)) return markers[path] = $"m{_next++}x";
        var element = ListElement(type);
        if (element is not null)
        {
            var list = Array.CreateInstance(element, 1);
            list.SetValue(Build(element, path, markers), 0);
            return list;
        }
        var constructor = type.GetConstructors().Single();
        return constructor.Invoke(constructor.GetParameters()
            .Select(p => NotText.ContainsKey($"{type.Name}.{Pascal(p.Name!)}") ? ValidValue($"{type.Name}.{Pascal(p.Name!)}", p.ParameterType) : Build(p.ParameterType, IsRecordType(p.ParameterType) || ListElement(p.ParameterType) is { } e && IsRecordType(e)
                ? (ListElement(p.ParameterType) ?? p.ParameterType).Name
                : $"{type.Name}.{Pascal(p.Name!)}", markers))
            .ToArray());
    }

    // Values that must be valid rather than unique: they select formats, vendors and characters.
    private object? ValidValue(string path, Type type) => path switch
    {
        "FilmSpec.AspectRatio" => "16:9",
        "FilmSpec.Provider" or "ShotSpec.Provider" => "local",
        "FilmSpec.Seed" => 1000L,
        "ShotSpec.Seed" => 77L,
        "ShotSpec.DurationSeconds" => 3.0,
        "ShotSpec.Camera" => "pan-left",
        "ShotSpec.ShotType" => "ECU",
        "ShotSpec.Continuity" => true,
        "StyleSpec.Palette" => new[] { "#123456" },
        "StyleSpec.NegativePrompt" => $"m{_next++}x",
        "CharacterSpec.Name" => "m-character",
        "ShotSpec.Characters" or "DialogueLine.Speaker" => type == typeof(string) ? "m-character" : new[] { "m-character" },
        "CharacterSpec.Id" or "EnvironmentSpec.Id" or "StyleSpec.Id" or "FilmSpec.Title" => null,
        "FilmSpec.Narrator" => new VoiceSpec("espeak:en-gb", null),
        "FilmSpec.Music" => new MusicSpec(new string('a', 64), 0.3),
        "FilmSpec.Transition" => new TransitionSpec("dissolve", 0.25),
        "ShotSpec.Transition" => new TransitionSpec("wipeleft", 0.75),
        "FilmSpec.LoudnessLufs" => -23.0,
        "FilmSpec.Timing" or "ShotSpec.Timing" => SpeechTiming.Narration,
        "ShotSpec.Profile" => "noir-mystery",
        "ShotSpec.Aperture" => "f/2",
        "ShotSpec.Composition" => "symmetry",
        "ShotSpec.LightingSetup" => "rembrandt",
        "ShotSpec.ColourTemperature" => 3200,
        "ShotSpec.Grade" => "vintage",
        "ShotSpec.Evolution" => "revelation",
        "FilmSpec.Grade" => "noir",
        "SceneSpec.Grade" => "dreamy",
        "SceneSpec.Evolution" => "dawn-to-day",
        "SceneSpec.State" or "SceneSpec.Coverage" => null,
        "CharacterStateChange.Name" => "m-character",
        _ => throw new InvalidOperationException($"No valid value for {path}"),
    };

    private static IEnumerable<Type> SpecTypes() =>
        typeof(FilmSpec).Assembly.GetTypes().Where(t => t.Namespace == typeof(FilmSpec).Namespace && IsRecordType(t) && t.Name.EndsWith("Spec") || t == typeof(DialogueLine) || t == typeof(CharacterStateChange) || t == typeof(CharacterIdentity) || t == typeof(CharacterState));

    private static bool IsRecordType(Type type) => type.GetMethod("<Clone>$") is not null;

    private static Type? ListElement(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
