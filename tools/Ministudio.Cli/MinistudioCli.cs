using System.CommandLine;
using System.Net.Http;
using System.Text.Json;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary>
/// <c>ministudio</c>: the command tree, the settings, and the one place where a failure becomes one line on stderr and
/// its exit code (<see cref="ExitCodes"/>) — never a stack trace.
/// </summary>
public sealed class MinistudioCli
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Option<string?> _url = new("--url") { Description = "The gateway (default: $MINISTUDIO_URL).", Recursive = true };
    private readonly Option<string?> _key = new("--api-key") { Description = "The API key (default: $MINISTUDIO_API_KEY).", Recursive = true };
    private readonly Option<bool> _json = new("--json") { Description = "Write JSON for scripts instead of text.", Recursive = true };
    private readonly Option<string?> _adminKey = new("--admin-key") { Description = "The operator's admin key, for admin commands (default: $MINISTUDIO_ADMIN_KEY).", Recursive = true };
    private readonly Func<string, string?> _environment;
    private readonly HttpMessageHandler? _handler;

    private MinistudioCli(TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? handler)
    {
        Output = output;
        Error = error;
        _environment = environment;
        _handler = handler;
    }

    public TextWriter Output { get; }
    public TextWriter Error { get; }

    /// <param name="handler">The HTTP handler to use (tests watch traffic with one); null: a new one.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment,
        CancellationToken ct, HttpMessageHandler? handler = null)
    {
        var cli = new MinistudioCli(output, error, environment, handler);
        var root = new RootCommand("Ministudio from the command line: films, jobs, batches, the library and the operator's admin API. Exit codes: 0 ok, 1 job failed, " +
                                   "2 usage, 3 auth, 4 not found, 5 rate limited, 6 rejected, 7 unavailable.");
        root.Add(cli._url);
        root.Add(cli._key);
        root.Add(cli._json);
        root.Add(cli._adminKey);
        root.Add(LoginCommand.Create(cli));
        root.Add(FilmCommands.Create(cli));
        root.Add(TimelineCommands.Create(cli));
        root.Add(JobCommands.Create(cli));
        root.Add(LibraryCommands.Create(cli));
        root.Add(LibraryCommands.Images(cli));
        root.Add(BatchCommands.Create(cli));
        root.Add(AdminCommands.Create(cli));
        root.Add(UsageCommand(cli));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"ministudio: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see ministudio --help)");
            return ExitCodes.Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, ct);
    }

    public bool WantsJson(ParseResult parse) => parse.GetValue(_json);

    /// <summary>An action that gets a configured client; every failure becomes one line and its exit code.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> WithClient(Func<ParseResult, MinistudioClient, CancellationToken, Task<int>> action) =>
        (parse, ct) => GuardedAsync(() => CliSettings.Resolve(parse.GetValue(_url), parse.GetValue(_key), _environment),
            (settings, http) => new MinistudioClient(http, new MinistudioClientOptions { BaseAddress = settings.Url, ApiKey = settings.ApiKey }),
            client => action(parse, client, ct), ct);

    /// <summary>A command taking one id (a job's, a batch's) that runs with a configured client.</summary>
    public Command WithId(string idDescription, string name, string description, Func<ParseResult, MinistudioClient, Guid, CancellationToken, Task<int>> action)
    {
        var id = new Argument<Guid>("id") { Description = idDescription };
        var command = new Command(name, description) { id };
        command.SetAction(WithClient((parse, client, ct) => action(parse, client, parse.GetValue(id), ct)));
        return command;
    }

    /// <summary>The same for the operator's API, with the admin key (<c>--admin-key</c> or MINISTUDIO_ADMIN_KEY).</summary>
    public Func<ParseResult, CancellationToken, Task<int>> WithAdminClient(Func<ParseResult, MinistudioAdminClient, CancellationToken, Task<int>> action) =>
        (parse, ct) => GuardedAsync(() => CliSettings.ResolveAdmin(parse.GetValue(_url), parse.GetValue(_adminKey), _environment),
            (settings, http) => new MinistudioAdminClient(http, new MinistudioClientOptions { BaseAddress = settings.Url, ApiKey = settings.ApiKey }),
            client => action(parse, client, ct), ct);

    /// <summary>The settings <c>login</c> is given (flags, else environment), without the saved ones it replaces.</summary>
    public (CliSettings? Settings, string? Error) GivenSettings(ParseResult parse) =>
        CliSettings.Check(parse.GetValue(_url) ?? _environment(CliSettings.UrlVariable), parse.GetValue(_key) ?? _environment(CliSettings.KeyVariable),
            $"no API key: pass --api-key or set {CliSettings.KeyVariable}");

    public Func<string, string?> Environment => _environment;

    private async Task<int> GuardedAsync<TClient>(Func<(CliSettings? Settings, string? Error)> resolve, Func<CliSettings, HttpClient, TClient> create,
        Func<TClient, Task<int>> action, CancellationToken ct) where TClient : IDisposable
    {
        Uri? url = null;
        try
        {
            var (settings, problem) = resolve();
            if (settings is null) return await FailAsync(ExitCodes.Usage, problem!);
            url = settings.Url;
            var http = _handler is null ? new HttpClient() : new HttpClient(_handler, disposeHandler: false);
            http.Timeout = Timeout.InfiniteTimeSpan;
            using var client = create(settings, http);
            return await action(client);
        }
        catch (MinistudioProblemException ex)
        {
            var fields = ex.Errors.Count > 0 ? " " + string.Join("; ", ex.Errors.Select(e => $"{e.Field}: {e.Message} ({e.Code})")) : "";
            var detail = ex.Errors.Count == 0 && ex.Detail is { } d ? $" {d}" : "";
            var wait = ex.RetryAfter is { } after ? $" Retry in {after.TotalSeconds:0} s." : "";
            return await FailAsync(ExitCodes.Of(ex), $"{ex.Code}: {ex.Title}{detail}{fields}{wait}");
        }
        catch (HttpRequestException ex)
        {
            return await FailAsync(ExitCodes.Unavailable, $"cannot reach {url}: {ex.Message}");
        }
        catch (CliUsageException ex)
        {
            return await FailAsync(ExitCodes.Usage, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return await FailAsync(ExitCodes.Unavailable, ex.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return await FailAsync(130, "stopped");
        }
    }

    public async Task<int> FailAsync(int code, string message)
    {
        await Error.WriteLineAsync($"ministudio: {message}");
        return code;
    }

    /// <summary>The value as indented JSON (for --json).</summary>
    public Task WriteJsonAsync<T>(T value) => Output.WriteLineAsync(JsonSerializer.Serialize(value, Json));

    private static Command UsageCommand(MinistudioCli cli)
    {
        var groupBy = new Option<string?>("--group-by") { Description = "vendor (default), day or job." };
        var usage = new Command("usage", "What this month's shots cost, and the budget left.") { groupBy };
        usage.SetAction(cli.WithClient(async (parse, client, ct) =>
        {
            var report = await client.GetUsageAsync(groupBy: parse.GetValue(groupBy), ct: ct);
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(report);
            else
            {
                foreach (var group in report.Groups) await cli.Output.WriteLineAsync($"{group.Key,-38} ${group.CommittedUsd,10:0.00}  {group.Attempts} attempts, {group.CacheHits} cache hits");
                await cli.Output.WriteLineAsync($"total ${report.Totals.CommittedUsd:0.00} committed, ${report.Totals.ReservedUsd:0.00} reserved; " +
                                                (report.Budget.RemainingUsd is { } left ? $"${left:0.00} of the budget left" : "no budget"));
            }
            return ExitCodes.Ok;
        }));
        return usage;
    }
}

/// <summary>A problem with what the user gave (a file, its JSON): one line, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
