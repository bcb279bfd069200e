namespace Ministudio.AppHost.Hosting;

/// <summary>
/// One writer for everything the launcher and its processes print: each line prefixed with a padded <c>[name]</c>,
/// coloured only when writing to a terminal.
/// </summary>
internal sealed class ResourceOutput(TextWriter writer, bool useColour, int nameWidth)
{
    public const string LauncherName = "apphost";

    // Bright, distinguishable ANSI colours; red is kept for the launcher's errors.
    private static readonly string[] Palette = ["36", "32", "33", "35", "34", "96", "92", "93", "95", "94"];

    private readonly Lock _gate = new();
    private int _nextColour;

    public static ResourceOutput Create(TextWriter? output, IEnumerable<string> resourceNames)
    {
        var width = resourceNames.Append(LauncherName).Max(name => name.Length);
        var toTerminal = output is null && !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;
        return new ResourceOutput(output ?? Console.Out, toTerminal, width);
    }

    public ResourceLog For(string name) => new(this, name, useColour ? Palette[_nextColour++ % Palette.Length] : null);

    public void WriteLine(string text)
    {
        lock (_gate) writer.WriteLine(text);
    }

    public void Write(string name, string? colour, string line)
    {
        var prefix = $"[{name}]".PadRight(nameWidth + 2);
        lock (_gate)
        {
            writer.WriteLine(colour is null ? $"{prefix} {line}" : $"\u001b[{colour}m{prefix}\u001b[0m {line}");
            writer.Flush();
        }
    }

    public string? ErrorColour => useColour ? "91" : null;
}

/// <summary>The output of one resource: printed with its prefix, and the last lines kept for error messages.</summary>
internal sealed class ResourceLog(ResourceOutput output, string name, string? colour)
{
    private const int TailLines = 40;
    private readonly Queue<string> _tail = new();

    public string Name { get; } = name;

    public void Line(string line)
    {
        lock (_tail)
        {
            if (_tail.Count == TailLines) _tail.Dequeue();
            _tail.Enqueue(line);
        }
        output.Write(Name, colour, line);
    }

    public void Error(string line) => output.Write(Name, output.ErrorColour, line);

    public string Tail()
    {
        lock (_tail) return _tail.Count == 0 ? "(no output)" : string.Join(Environment.NewLine, _tail);
    }
}
