using System.Text;

namespace Ministudio.Platform;

/// <summary>
/// The one rule for text the platform accepts, in JSON bodies, batch lines, query strings and headers: no control
/// characters (tab, line feed and carriage return excepted where text allows them) and no lone UTF-16 surrogates.
/// Such text breaks PostgreSQL (NUL), ffmpeg's drawtext and log lines, and can never be stored faithfully.
/// </summary>
public static class SafeText
{
    public const string ControlCharacterCode = "text.control_character";
    public const string InvalidUnicodeCode = "text.invalid_unicode";

    /// <summary>The code of the first rule <paramref name="text"/> breaks, or null when it is acceptable.</summary>
    public static string? Violation(ReadOnlySpan<char> text, bool allowLineBreaks = true)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return InvalidUnicodeCode;
            }
            if (char.IsLowSurrogate(c)) return InvalidUnicodeCode;
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r')) return ControlCharacterCode;
        }
        return null;
    }

    public static string Describe(string code) => code == InvalidUnicodeCode
        ? "Text must be valid Unicode (no lone surrogates, no invalid UTF-8)."
        : "Text must not contain control characters such as NUL.";

    /// <summary>Header values travel as ASCII: anything else cannot be forwarded faithfully.</summary>
    public static bool IsPrintableAscii(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' and not '\t' or > '~') return false;
        }
        return true;
    }

    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
