using System.Text;
using System.Text.Json;

namespace Ministudio.Platform;

/// <summary>
/// Inspects a JSON document before anything binds it: malformed JSON, a key written twice in one object, and text that
/// breaks <see cref="SafeText"/> (in values and in keys) are reported with the JSON path where they occur.
/// </summary>
public static class JsonText
{
    public static readonly string MalformedCode = ProblemCodes.RequestMalformedJson.Code;
    public const string DuplicateKeyCode = "json.duplicate_key";
    private const int MaxErrors = 20;

    public static IReadOnlyList<FieldError> Inspect(ReadOnlySpan<byte> utf8)
    {
        var errors = new List<FieldError>();
        var path = new List<string>();        // one segment per open container, e.g. "shots" or "[2]"
        var keys = new Stack<HashSet<string>?>(); // keys seen in each open object; null for arrays
        var indexes = new Stack<int>();
        string? pendingKey = null;
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            while (reader.Read() && errors.Count < MaxErrors)
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(Segment(keys, indexes, pendingKey));
                        pendingKey = null;
                        keys.Push(reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null);
                        indexes.Push(0);
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        keys.Pop();
                        indexes.Pop();
                        path.RemoveAt(path.Count - 1);
                        Advance(keys, indexes);
                        break;
                    case JsonTokenType.PropertyName:
                        var key = ReadText(ref reader, out var keyProblem);
                        pendingKey = key ?? "?";
                        if (keyProblem is not null) errors.Add(new FieldError(Join(path, pendingKey), keyProblem, SafeText.Describe(keyProblem)));
                        else if (key is not null && keys.Peek() is { } seen && !seen.Add(key))
                            errors.Add(new FieldError(Join(path, key), DuplicateKeyCode, $"The key '{key}' is written more than once in this object."));
                        break;
                    default:
                        var where = Join(path, Segment(keys, indexes, pendingKey));
                        pendingKey = null;
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            ReadText(ref reader, out var problem);
                            if (problem is not null) errors.Add(new FieldError(where, problem, SafeText.Describe(problem)));
                        }
                        Advance(keys, indexes);
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            errors.Add(new FieldError("$", MalformedCode, $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }
        return errors;
    }

    private static string? ReadText(ref Utf8JsonReader reader, out string? problem)
    {
        string? text;
        try
        {
            // GetString unescapes \u escapes; invalid UTF-8 or an escaped lone surrogate throws here.
            text = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            problem = SafeText.InvalidUnicodeCode;
            return null;
        }
        problem = text is null ? null : SafeText.Violation(text);
        return text;
    }

    private static string Segment(Stack<HashSet<string>?> keys, Stack<int> indexes, string? pendingKey)
    {
        if (keys.Count == 0) return "";
        if (keys.Peek() is not null) return pendingKey ?? "";
        return $"[{indexes.Peek()}]";
    }

    private static void Advance(Stack<HashSet<string>?> keys, Stack<int> indexes)
    {
        if (keys.Count > 0 && keys.Peek() is null) indexes.Push(indexes.Pop() + 1);
    }

    /// <summary>The path in the validators' own style: <c>shots[2].action</c>; <c>$</c> for the document itself.</summary>
    private static string Join(List<string> path, string last)
    {
        var builder = new StringBuilder();
        foreach (var segment in path.Append(last))
        {
            if (segment.Length == 0) continue;
            if (segment[0] == '[') builder.Append(segment);
            else builder.Append(builder.Length > 0 ? "." : "").Append(segment);
        }
        return builder.Length == 0 ? "$" : builder.ToString();
    }
}
