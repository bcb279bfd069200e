namespace Ministudio.AppHost;

/// <summary>
/// The launcher's own options; every other argument is left for configuration (e.g.
/// <c>--ConnectionStrings:redis=127.0.0.1:6379</c>, <c>--AppHost:RunDirectory=/tmp/run</c>).
/// </summary>
public sealed record LauncherArguments(
    string? FilmPath,
    string OutputDirectory,
    bool ExitWhenDone,
    int GatewayPort,
    bool ShowHelp,
    string[] ConfigurationArguments)
{
    public const int DefaultGatewayPort = 5400;

    public const string Usage = """
        Usage: dotnet run --project Ministudio.AppHost [-- options]
          --film <file.json>     submit this film once everything is up, follow it, download the video
          --out <folder>         where the video goes (default: out/)
          --exit                 stop everything and exit after the film (exit code 0 only if it succeeded)
          --gateway-port <port>  the gateway's port (default 5400; a free one when busy)
          --help                 this text
        Other --Key=Value arguments are configuration, e.g. --ConnectionStrings:postgres="Host=...;Database=..." to use
        a running server instead of starting one, or --AppHost:RunDirectory=<folder> for the infrastructure's data.
        """;

    /// <exception cref="ArgumentException">An option is missing its value or has an invalid one.</exception>
    public static LauncherArguments Parse(IReadOnlyList<string> args)
    {
        string? film = null;
        var output = "out";
        var exit = false;
        var help = false;
        var gatewayPort = DefaultGatewayPort;
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
                case "--gateway-port":
                    var port = Value();
                    if (!int.TryParse(port, out gatewayPort) || gatewayPort is < 1 or > 65535)
                        throw new ArgumentException($"--gateway-port takes a port from 1 to 65535, not '{port}'.");
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

        return new LauncherArguments(film, output, exit, gatewayPort, help, rest.ToArray());
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
