using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Ministudio.Platform;
using Ministudio.Prompt.Films;
using Npgsql;

namespace Ministudio.Prompt.Moderation;

/// <summary>A shot's prompt was refused: which shot, for what, by which check (<c>terms</c> or <c>openai</c>).</summary>
public sealed record ModerationRefusal(int Shot, string Category, string Source);

/// <summary>
/// Checks every compiled prompt of a film before anything is queued, so a refused film costs no vendor call: first the
/// term lists (for everyone, then the tenant's plan), then OpenAI's moderation endpoint when configured. A refusal is
/// final (<c>content.rejected</c>, never retried); an unreachable endpoint refuses nothing and accepts nothing
/// (<c>moderation.unavailable</c>, retryable).
/// </summary>
public sealed class ContentModeration(NpgsqlDataSource dataSource, IOptionsMonitor<ModerationOptions> options, OpenAiModerationClient openAi)
{
    // Term lists change only with configuration: one compiled pattern per list (the global one, or it plus a plan's)
    // for as long as the options instance lasts, instead of a new Regex for every submission.
    private PatternCache? _patterns;

    public async Task<ModerationRefusal?> CheckAsync(Guid tenantId, CompiledFilm film, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var terms = new List<string>(settings.BlockedTerms);
        if (settings.Plans.Count > 0 && await PlanOfAsync(tenantId, ct) is { } plan && settings.Plans.TryGetValue(plan, out var policy))
            terms.AddRange(policy.BlockedTerms);
        if (terms.Count > 0)
        {
            var pattern = PatternOf(settings, terms);
            foreach (var shot in film.Shots)
                if (pattern.IsMatch(shot.Prompt)) return new ModerationRefusal(shot.Index, "blocked_term", "terms");
        }
        if (!openAi.Enabled || film.Shots.Count == 0) return null;
        return await openAi.FirstFlaggedAsync(film.Shots.Select(s => s.Prompt).ToList(), ct) is var (input, category)
            ? new ModerationRefusal(film.Shots[input].Index, category, "openai")
            : null;
    }

    /// <summary>The answer to a refused film: 422 naming the shot and the category.</summary>
    public static ProblemHttpResult Refused(ModerationRefusal refusal)
    {
        var problem = ApiProblems.Problem(ProblemCodes.ContentRejected, $"Shot {refusal.Shot} was refused ({refusal.Category}); nothing was queued or spent.");
        problem.ProblemDetails.Extensions["shot"] = refusal.Shot;
        problem.ProblemDetails.Extensions["category"] = refusal.Category;
        return problem;
    }

    public static ProblemHttpResult Unavailable() =>
        ApiProblems.Problem(ProblemCodes.ModerationUnavailable, "Content moderation could not check the film; nothing was queued. Try again shortly.");

    private Regex PatternOf(ModerationOptions settings, List<string> terms)
    {
        var cache = _patterns;
        if (cache is null || !ReferenceEquals(cache.Settings, settings)) _patterns = cache = new(settings, new(StringComparer.Ordinal));
        return cache.Patterns.GetOrAdd(string.Join('\n', terms), _ => new Regex($@"\b(?:{string.Join('|', terms.Where(t => t.Length > 0).Select(Regex.Escape))})\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)));
    }

    private sealed record PatternCache(ModerationOptions Settings, ConcurrentDictionary<string, Regex> Patterns);

    private async Task<string?> PlanOfAsync(Guid tenantId, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT plan FROM tenants WHERE id = @tenant");
        command.Parameters.AddWithValue("tenant", tenantId);
        return await command.ExecuteScalarAsync(ct) as string;
    }
}
