namespace Ministudio.Prompt.Films;

/// <summary>A character and the state it is in during a shot.</summary>
public sealed record CharacterInState(string Name, CharacterState State);

/// <summary>The state in force during a shot: its characters' (those in the shot) and the environment's.</summary>
public sealed record ShotState(IReadOnlyList<CharacterInState> Characters, EnvironmentState Environment);

/// <summary>The state in force at one shot, and what changed with it (words, e.g. "Mira wearing no coat (was a raincoat)").</summary>
public sealed record StateAtShot(IReadOnlyDictionary<string, CharacterState> Characters, EnvironmentState Environment, IReadOnlyList<string> Changes);

/// <summary>
/// State carried shot by shot: each character starts in the state the film gives it, the environment in its own time of
/// day, weather and lighting; a shot's <see cref="StateChange"/> changes the fields it names from that shot on, until
/// changed again (a change wins over a later shot's environment, which only sets what no change has).
/// </summary>
public static class FilmStates
{
    public static IReadOnlyList<StateAtShot> Track(FilmSpec spec)
    {
        var characters = (spec.Characters ?? []).Where(c => c?.Name is not null)
            .ToDictionary(c => c.Name!.Trim(), c => c.State ?? new CharacterState(null, null, null, null), StringComparer.OrdinalIgnoreCase);
        var changedEnvironment = new EnvironmentState(null, null, null);
        var states = new List<StateAtShot>();
        foreach (var shot in spec.Shots ?? [])
        {
            var written = shot.Environment ?? spec.Environment;
            var before = Overlay(changedEnvironment, written);
            var changes = new List<string>();
            foreach (var change in shot.State?.Characters ?? [])
            {
                if (change?.Name is null || change.State is null || !characters.TryGetValue(change.Name.Trim(), out var was)) continue;
                var now = new CharacterState(change.State.Clothing ?? was.Clothing, change.State.Equipment ?? was.Equipment,
                    change.State.Emotion ?? was.Emotion, change.State.Posture ?? was.Posture);
                characters[change.Name.Trim()] = now;
                changes.AddRange(Differences(change.Name.Trim(), [("wearing", was.Clothing, now.Clothing), ("carrying", was.Equipment, now.Equipment),
                    ("emotion", was.Emotion, now.Emotion), ("posture", was.Posture, now.Posture)]));
            }
            if (shot.State?.Environment is { } environment)
            {
                changedEnvironment = new EnvironmentState(environment.TimeOfDay ?? changedEnvironment.TimeOfDay,
                    environment.Weather ?? changedEnvironment.Weather, environment.Lighting ?? changedEnvironment.Lighting);
            }
            var inForce = Overlay(changedEnvironment, written);
            changes.AddRange(Differences("", [("time of day", before.TimeOfDay, inForce.TimeOfDay), ("weather", before.Weather, inForce.Weather),
                ("lighting", before.Lighting, inForce.Lighting)]));
            states.Add(new StateAtShot(new Dictionary<string, CharacterState>(characters, StringComparer.OrdinalIgnoreCase), inForce, changes));
        }
        return states;
    }

    private static EnvironmentState Overlay(EnvironmentState changed, EnvironmentSpec? written) =>
        new(changed.TimeOfDay ?? written?.TimeOfDay, changed.Weather ?? written?.Weather, changed.Lighting ?? written?.Lighting);

    private static IEnumerable<string> Differences(string who, (string Field, string? Was, string? Now)[] fields) =>
        fields.Where(f => !string.IsNullOrWhiteSpace(f.Now) && !string.Equals(f.Was?.Trim(), f.Now.Trim(), StringComparison.Ordinal))
            .Select(f => $"{(who.Length > 0 ? who + " " : "")}{f.Field} {f.Now!.Trim()}{(string.IsNullOrWhiteSpace(f.Was) ? "" : $" (was {f.Was.Trim()})")}");
}
