using System.Text.Json;

namespace Ministudio.Cli;

/// <summary>Files named on the command line: read, and their JSON checked here so a typo is reported with its line and column.</summary>
public static class CliFiles
{
    public static async Task<string> ReadJsonAsync(string path, CancellationToken ct)
    {
        var text = await ReadTextAsync(path, ct);
        Check(path, text, lineOffset: 0);
        return text;
    }

    /// <summary>JSON Lines: each non-empty line one JSON value; a bad one is reported with its line and column in the file.</summary>
    public static async Task<string> ReadJsonLinesAsync(string path, CancellationToken ct)
    {
        var text = await ReadTextAsync(path, ct);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Trim().Length > 0) Check(path, lines[i], lineOffset: i);
        if (lines.All(l => l.Trim().Length == 0)) throw new CliUsageException($"{path}: no films (one JSON object per line)");
        return text;
    }

    /// <summary>A file's bytes, or one line saying why not.</summary>
    public static async Task<byte[]> ReadBytesAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliUsageException($"{path}: no such file");
        return await File.ReadAllBytesAsync(path, ct);
    }

    private static async Task<string> ReadTextAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliUsageException($"{path}: no such file");
        return await File.ReadAllTextAsync(path, ct);
    }

    private static void Check(string path, string text, int lineOffset)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"{line + 1 + lineOffset}:{(ex.BytePositionInLine ?? 0) + 1}" : "?";
            var reason = ex.Message.Split(" Path:")[0].Split(" LineNumber:")[0];
            throw new CliUsageException($"{path}:{where}: invalid JSON: {reason}");
        }
    }
}
