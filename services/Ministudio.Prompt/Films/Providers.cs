namespace Ministudio.Prompt.Films;

/// <summary>Providers a film may name; dispatch owns the adapters, prompt only refuses names it cannot route.</summary>
public static class Providers
{
    public const string Local = "local";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal) { Local };
}
