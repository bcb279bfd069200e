namespace Ministudio.Prompt.Films;

/// <summary>
/// Dialogue coverage, as an editor would cut a conversation: a shot with dialogue becomes a two-shot of the speakers
/// (its action, no lines), then one over-the-shoulder shot per line, in order, framing the speaker over the shoulder of
/// the one listening. The shot's length is shared evenly (at least the minimum shot length each); the new angles start
/// fresh (no continuity from the shot before) and are joined with cuts.
/// </summary>
public static class DialogueCoverage
{
    public const string Name = "dialogue";

    public static IEnumerable<ShotSpec> Expand(ShotSpec shot, IReadOnlyList<CharacterSpec> characters)
    {
        var lines = (shot.Dialogue ?? []).Where(line => line is not null).ToList();
        if (lines.Count == 0)
        {
            yield return shot;
            yield break;
        }
        var seconds = Math.Max(VideoFormats.MinShotSeconds, Math.Round(shot.DurationSeconds / (lines.Count + 1), 2));
        // Who is in the conversation: the shot's characters, else the speakers in order of speaking.
        var people = shot.Characters ?? lines.Select(l => l.Speaker?.Trim()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var speakers = lines.Select(l => l.Speaker?.Trim()).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        yield return shot with
        {
            DurationSeconds = seconds, ShotType = "TWO", Dialogue = null, Profile = shot.Profile ?? "intimate-dialogue",
            Characters = people.Count > 0 ? people : null, Narration = shot.Narration,
        };
        foreach (var line in lines)
        {
            var speaker = line.Speaker?.Trim() ?? "";
            var listener = people.Concat(speakers).FirstOrDefault(p => !string.Equals(p, speaker, StringComparison.OrdinalIgnoreCase))
                ?? characters.Select(c => c.Name?.Trim()).OfType<string>().FirstOrDefault(n => !string.Equals(n, speaker, StringComparison.OrdinalIgnoreCase));
            yield return shot with
            {
                Action = listener is null
                    ? $"{speaker} speaks, framed facing the camera. {shot.Action}"
                    : $"{speaker} speaks, framed facing the camera over {listener}'s shoulder. {shot.Action}",
                DurationSeconds = seconds, ShotType = "OTS", Dialogue = [line], Narration = null, State = null, Profile = shot.Profile ?? "intimate-dialogue",
                Camera = shot.Camera ?? Cinematography.Static, Characters = listener is null ? [speaker] : [speaker, listener], Continuity = false,
                Transition = new TransitionSpec(FilmScores.Cut, null),
            };
        }
    }
}
