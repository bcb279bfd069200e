namespace Ministudio.Prompt.Films;

/// <summary>
/// Providers a film may name. Every profiled vendor can be compiled for (dry run); a job is accepted only for providers
/// dispatch can route today.
/// </summary>
public static class Providers
{
    public const string Local = "local";

    public static readonly IReadOnlySet<string> Dispatchable = new HashSet<string>(StringComparer.Ordinal) { Local };
}
