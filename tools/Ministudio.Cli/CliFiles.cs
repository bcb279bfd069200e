using System.Text.Json;

namespace Ministudio.Cli;

/// <summary>Files named on the command line: read, and their JSON checked here so a typo is reported with its line and column.</summary>
public static class CliFiles
{
    public static async Task<string> ReadJsonAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliUsageException($"{path}: no such file");
        var text = await File.ReadAllTextAsync(path, ct);
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"{line + 1}:{(ex.BytePositionInLine ?? 0) + 1}" : "?";
            var reason = ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            throw new CliUsageException($"{path}:{where}: invalid JSON: {reason}");
        }
        return text;
    }
}
