namespace Ministudio.Prompt.Films;

/// <summary>How long a shot's clips are: one, fitted to its provider, or a long shot's chained parts.</summary>
public static class LongShots
{
    /// <summary>
    /// The clip lengths a shot is made in: one clip, snapped by the catalogue's duration rule (the shortest length its
    /// model makes that covers it; dispatch and billing snap the same way), or, for a shot longer than its model makes,
    /// chained parts: evenly split or the longest clips and a remainder, whichever adds up to less.
    /// </summary>
    public static IReadOnlyList<double> Parts(double seconds, bool firstFrame, bool references, int shortSide, VendorProfile profile, int index, List<CompileWarning> warnings)
    {
        var limits = profile.ModelFor(firstFrame, references).Limits;
        var allowed = limits.AllowedDurations(references, shortSide);
        var longest = limits.Longest(allowed);
        if (seconds <= longest)
        {
            var duration = profile.SnapDuration(seconds, firstFrame, references, shortSide);
            if (duration != seconds)
            {
                var makes = allowed.Count > 0 ? $"makes {string.Join(", ", allowed)} s clips" : $"makes clips of at most {duration} s";
                warnings.Add(new CompileWarning(index, "duration.snapped", $"{profile.Name} {makes}: {seconds} s became {duration} s."));
            }
            return [duration];
        }
        // Parts after the first open on a first frame and carry no references: their model's rule applies to them.
        var count = (int)Math.Ceiling(seconds / longest);
        double Snap(double s) => profile.SnapDuration(s, firstFrame: true, references: false, shortSide);
        var even = Enumerable.Range(0, count).Select(i => Snap(Math.Round(seconds / count, 3))).ToList();
        var greedy = Enumerable.Repeat(longest, count - 1).Append(Snap(Math.Round(seconds - longest * (count - 1), 3))).ToList();
        var parts = greedy.Sum() < even.Sum() ? greedy : even;
        warnings.Add(new CompileWarning(index, "shot.split",
            $"{profile.Name} makes clips of at most {longest} s: the {seconds} s shot is made as {count} chained parts ({string.Join(" + ", parts)} s), each opening on the last frame of the one before, billed per part."));
        return parts;
    }
}
