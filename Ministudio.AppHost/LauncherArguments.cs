namespace Ministudio.AppHost;

/// <summary>
/// The AppHost's own options; every other argument is configuration (e.g. <c>--Ministudio:Replicas:Dispatch=2</c>).
/// </summary>
public sealed record LauncherArguments(string? FilmPath, string OutputDirectory, bool ExitWhenDone, string[] ConfigurationArguments)
{
    public const string Usage = """
        Usage: dotnet run --project Ministudio.AppHost [-- options]
          --film <file.json>     submit this film once everything is up, follow it, download the video
          --out <folder>         where the video goes (default: out/)
          --exit                 stop everything and exit after the film (exit code 0 only if it succeeded)
          --help                 this text
        Other --Key=Value arguments are configuration:
          --Ministudio:GatewayPort=5400            the gateway's port (a free one when busy)
          --Ministudio:Replicas:Dispatch=2         replicas of dispatch (and :Render for render)
          --Ministudio:DataRoot=<folder>           infrastructure data, development key, artifacts (default .ministudio/)
          --Ministudio:Infrastructure=containers   Aspire's Redis/RabbitMQ/PostgreSQL containers instead of local binaries
        """;

    /// <returns>null to go on; otherwise the exit code (usage printed).</returns>
    public static int? TryParse(IReadOnlyList<string> args, out LauncherArguments parsed)
    {
        parsed = new LauncherArguments(null, "out", false, []);
        try
        {
            parsed = Parse(args, out var help);
            if (!help) return null;
            Console.WriteLine(Usage);
            return 0;
        }
        catch (ArgumentException invalid)
        {
            Console.Error.WriteLine(invalid.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    /// <exception cref="ArgumentException">An option is missing its value.</exception>
    public static LauncherArguments Parse(IReadOnlyList<string> args, out bool help)
    {
        string? film = null;
        var output = "out";
        var exit = false;
        help = false;
        var rest = new List<string>();

        for (var i = 0; i < args.Count; i++)
        {
            var (name, inlineValue) = Split(args[i]);
            switch (name)
            {
                case "--film":
                    film = Value();
                    break;
                case "--out":
                    output = Value();
                    break;
                case "--exit":
                    exit = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }

            string Value()
            {
                if (inlineValue is not null) return inlineValue;
                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    throw new ArgumentException($"{name} needs a value.");
                return args[++i];
            }
        }

        return new LauncherArguments(film, output, exit, rest.ToArray());
    }

    /// <summary>"--film=a.json" and "--film a.json" mean the same.</summary>
    private static (string Name, string? InlineValue) Split(string argument)
    {
        var equals = argument.IndexOf('=');
        return argument.StartsWith("--", StringComparison.Ordinal) && equals > 0
            ? (argument[..equals], argument[(equals + 1)..])
            : (argument, null);
    }
}
