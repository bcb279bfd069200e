using System.Text.RegularExpressions;

namespace Ministudio.Compose.Audio;

/// <summary>
/// Estimated word timings for engines that give none (espeak-ng, OpenAI): the clip's length is shared among the words
/// in proportion to their syllables (vowel groups), with a pause's worth after commas and sentence ends. These are
/// estimates, good for caption pacing, not for lip-sync.
/// </summary>
public static partial class WordTimingEstimator
{
    private const double CommaPause = 0.5;
    private const double SentencePause = 1.0;

    public static IReadOnlyList<WordTiming> Estimate(string text, double durationSeconds)
    {
        var words = Words(text);
        if (words.Count == 0 || durationSeconds <= 0) return [];

        var weights = words.Select(w => (Speech: (double)Syllables(w.Word), Pause: w.Pause)).ToList();
        // The last word's pause is trailing silence inside the clip, so it still takes a share of the length.
        var total = weights.Sum(w => w.Speech + w.Pause);
        var timings = new List<WordTiming>(words.Count);
        var position = 0.0;
        for (var i = 0; i < words.Count; i++)
        {
            var start = position / total * durationSeconds;
            position += weights[i].Speech;
            var end = position / total * durationSeconds;
            position += weights[i].Pause;
            timings.Add(new WordTiming(words[i].Word, start, end));
        }
        return timings;
    }

    /// <summary>The spoken words of a text (surrounding punctuation stripped) with the pause that follows each.</summary>
    public static IReadOnlyList<(string Word, double Pause)> Words(string text)
    {
        var words = new List<(string, double)>();
        foreach (var token in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var word = token.Trim(TrimmedPunctuation);
            if (!word.Any(char.IsLetterOrDigit)) continue;
            var pause = token.TrimEnd('"', '\'', ')', ']', '”', '’') switch
            {
                var t when t.EndsWith('.') || t.EndsWith('!') || t.EndsWith('?') => SentencePause,
                var t when t.EndsWith(',') || t.EndsWith(';') || t.EndsWith(':') => CommaPause,
                _ => 0,
            };
            words.Add((word, pause));
        }
        return words;
    }

    public static int Syllables(string word) => Math.Max(1, VowelGroups().Count(word));

    private static readonly char[] TrimmedPunctuation = ".,;:!?\"'()[]{}«»“”‘’-–—…".ToCharArray();

    [GeneratedRegex("[aeiouyàáâäèéêëìíîïòóôöùúûüæøå]+", RegexOptions.IgnoreCase)]
    private static partial Regex VowelGroups();
}
