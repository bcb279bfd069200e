using System.CommandLine;
using Ministudio.Client;

namespace Ministudio.Cli;

/// <summary><c>ministudio login --url … --api-key …</c>: checks the key with the gateway, then saves both for later commands.</summary>
public static class LoginCommand
{
    public static Command Create(MinistudioCli cli)
    {
        var login = new Command("login", "Check a gateway URL and API key, then save them in your config file (readable by you alone) for every later command.");
        login.SetAction(async (parse, ct) =>
        {
            var (settings, problem) = cli.GivenSettings(parse);
            if (settings is null) return await cli.FailAsync(ExitCodes.Usage, problem!);
            // A bad key is refused here (exit 3), not saved to fail every later command.
            var check = cli.WithClient(async (_, client, token) =>
            {
                await client.ListStylePacksAsync(token);
                return ExitCodes.Ok;
            });
            var checkedCode = await check(parse, ct);
            if (checkedCode != ExitCodes.Ok) return checkedCode;
            try
            {
                settings.Save(cli.Environment);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return await cli.FailAsync(ExitCodes.Usage, $"cannot save {CliSettings.ConfigPath(cli.Environment)}: {ex.Message}");
            }
            var path = Path.GetFullPath(CliSettings.ConfigPath(cli.Environment));
            if (cli.WantsJson(parse)) await cli.WriteJsonAsync(new { url = settings.Url, config = path });
            else await cli.Output.WriteLineAsync($"logged in to {settings.Url}; saved in {path}");
            return ExitCodes.Ok;
        });
        return login;
    }
}
