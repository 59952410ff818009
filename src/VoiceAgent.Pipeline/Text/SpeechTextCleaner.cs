using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VoiceAgent.Pipeline.Text;

/// <summary>
/// Turns text written for the eye (markdown, URLs, emoji, code) into text meant for the ear, so TTS never
/// reads markup or unreadable characters aloud as noise. Pure functions, safe to call from any thread.
/// </summary>
public static partial class SpeechTextCleaner
{
    /// <summary>
    /// Returns <paramref name="text"/> cleaned for speech, or an empty string if nothing speakable (no letter
    /// or digit) is left, so callers can skip it instead of making TTS pronounce a lone "!".
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsPlain(text))
        {
            return HasLetterOrDigit(text) ? text.Trim() : string.Empty; // the common case allocates nothing
        }

        var s = CodeFence().Replace(text, " ");
        s = HtmlTag().Replace(s, " ");
        s = Image().Replace(s, " ");
        s = Link().Replace(s, "$1");
        s = Url().Replace(s, static m => HostOf(m.Value));
        s = InlineCode().Replace(s, "$1");
        s = Heading().Replace(s, "");
        s = Blockquote().Replace(s, "");
        s = ListBullet().Replace(s, "");
        s = TableRule().Replace(s, "");
        s = TableRow().Replace(s, static m => m.Groups[1].Value.Replace("|", ", ", StringComparison.Ordinal) + ".");
        s = Strong().Replace(s, "$2");
        s = Emphasis().Replace(s, "$2");
        s = Strike().Replace(s, "$1");
        return Normalize(s);
    }

    // Keeps the host of a URL: "example.com" is worth hearing, a path or query string is not.
    private static string HostOf(string url)
    {
        var span = url.AsSpan();
        var scheme = span.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            span = span[(scheme + 3)..];
        }

        var end = span.IndexOfAny("/?#:");
        if (end >= 0)
        {
            span = span[..end];
        }

        if (span.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            span = span[4..];
        }

        return " " + span.TrimEnd('.').ToString() + " ";
    }

    // Drops symbols, pictographs, controls and invisible format characters; collapses whitespace; removes the
    // space a dropped emoji leaves before punctuation ("Hi 👋!" -> "Hi!"); strips leftover emphasis markers.
    private static string Normalize(string s)
    {
        var sb = new StringBuilder(s.Length);
        var pendingSpace = false;
        var speakable = false;
        foreach (var rune in s.EnumerateRunes())
        {
            if (!Rune.IsWhiteSpace(rune) && IsInvisible(rune))
            {
                continue; // "a\u200Bb" is one word
            }

            if (Rune.IsWhiteSpace(rune) || IsVisibleNoise(rune))
            {
                pendingSpace = sb.Length > 0; // "great🎉thanks" is two words
                continue;
            }

            if (pendingSpace && !(rune.IsBmp && IsClosingPunctuation((char)rune.Value)))
            {
                sb.Append(' ');
            }

            pendingSpace = false;
            sb.Append(rune.ToString());
            speakable |= Rune.IsLetterOrDigit(rune);
        }

        return speakable ? sb.ToString() : string.Empty;
    }

    private static bool IsInvisible(Rune rune)
    {
        var v = rune.Value;
        if (v is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF))
        {
            return true; // variation selectors (the emoji presentation of ❤️) are nonspacing marks
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control
            or UnicodeCategory.Format // ZWJ, ZWSP, bidi marks, tag characters
            or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.EnclosingMark; // keycap U+20E3
    }

    private static bool IsVisibleNoise(Rune rune)
    {
        var v = rune.Value;
        if (v is '*' or '_' or '|' or '\\')
        {
            return true; // leftover markup: an emphasis split across sentences, a table pipe
        }

        return v != '°' // the one "other symbol" worth keeping ("25°C")
            && (Rune.GetUnicodeCategory(rune) is UnicodeCategory.OtherSymbol // emoji, dingbats, U+FFFD (also what a lone surrogate becomes)
                    or UnicodeCategory.ModifierSymbol // skin tones, stray ^ and ´
                || v is >= 0x2190 and <= 0x21FF); // arrows are math symbols, but TTS reads them as noise
    }

    private static bool IsClosingPunctuation(char c) =>
        c is ',' or '.' or '!' or '?' or ';' or ':' or ')' or '，' or '。' or '！' or '？' or '；' or '：' or '、';

    // Plain text needs no regex: no markup characters, nothing outside letters, digits, spaces and punctuation.
    private static bool IsPlain(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        if (!trimmed.IsEmpty && (trimmed[0] is '-' or '+' || char.IsAsciiDigit(trimmed[0])))
        {
            return false; // maybe a list bullet: "- item", "1. item"
        }

        foreach (var c in text)
        {
            if (c is '*' or '_' or '`' or '#' or '[' or ']' or '<' or '>' or '|' or '~' or '\\' or '\n' or '\r' or '\t'
                || (c < 0x20) || char.IsSurrogate(c)
                || (!char.IsLetterOrDigit(c) && !char.IsPunctuation(c) && c != ' ' && c is not '$' and not '%' and not '+' and not '=' and not '&'))
            {
                return false;
            }
        }

        return !text.Contains("://", StringComparison.Ordinal) && !text.Contains("www.", StringComparison.OrdinalIgnoreCase)
            && !text.Contains("  ", StringComparison.Ordinal);
    }

    private static bool HasLetterOrDigit(string text)
    {
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    // An unterminated fence runs to the end: the rest is code.
    [GeneratedRegex(@"(```|~~~)[\s\S]*?(\1|$)")]
    private static partial Regex CodeFence();

    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"!\[[^\]]*\]\([^)]*\)")]
    private static partial Regex Image();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex Link();

    // Trailing sentence punctuation belongs to the sentence, not to the URL.
    [GeneratedRegex(@"\b(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'""]", RegexOptions.IgnoreCase)]
    private static partial Regex Url();

    [GeneratedRegex(@"`+([^`]*?)`+")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^[ \t]{0,3}#{1,6}[ \t]+", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"^[ \t]*(>[ \t]?)+", RegexOptions.Multiline)]
    private static partial Regex Blockquote();

    [GeneratedRegex(@"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+", RegexOptions.Multiline)]
    private static partial Regex ListBullet();

    [GeneratedRegex(@"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex TableRule();

    [GeneratedRegex(@"^[ \t]*\|(.*?)\|?[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")]
    private static partial Regex Strong();

    // Word-bounded so snake_case and 2 * 3 survive.
    [GeneratedRegex(@"(?<![\w*])(\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"~~(.+?)~~")]
    private static partial Regex Strike();
}
