using System.Text;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>Pure text helpers shared by the skills: language detection and normalization to the shape speech recognition produces.</summary>
internal static class DialogueText
{
    public static bool IsCjk(char c) =>
        c is (>= '\u4e00' and <= '\u9fff') or (>= '\u3400' and <= '\u4dbf') or (>= '\uf900' and <= '\ufaff');

    public static DialogueLanguage DetectLanguage(string text)
    {
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                return DialogueLanguage.Chinese;
            }
        }

        return DialogueLanguage.English;
    }

    /// <summary>
    /// Lowercase, punctuation-free, single-spaced text, so typed input ("What's 12*7?") and recognised speech
    /// ("whats twelve times seven") meet the same patterns. Decimal points inside numbers, a leading minus sign and
    /// arithmetic symbols survive, as separate tokens, because the arithmetic skill needs them.
    /// </summary>
    public static string Normalize(string text)
    {
        // NFKC folds full-width digits and punctuation ("１２？") that Chinese input methods produce.
        var folded = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        var sb = new StringBuilder(folded.Length + 8);
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            var prev = i > 0 ? folded[i - 1] : ' ';
            var next = i + 1 < folded.Length ? folded[i + 1] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (c == '.' && char.IsAsciiDigit(prev) && char.IsAsciiDigit(next))
            {
                sb.Append('.');
            }
            else if (c == ',' && char.IsAsciiDigit(prev) && char.IsAsciiDigit(next))
            {
                // Thousands separator: "1,000" is one number.
            }
            else if (c is '\'' or '\u2019')
            {
                // Contractions join ("what's" -> "whats") the way recognisers often write them.
            }
            else if (c == '-' && char.IsAsciiDigit(next) && !char.IsLetterOrDigit(prev))
            {
                sb.Append(' ').Append('-');
            }
            else if (c == '-' && char.IsLetter(prev) && char.IsLetter(next))
            {
                sb.Append(' ');
            }
            else if (c is '+' or '-' or '*' or '/' or '×' or '÷' or '^' or '=' or '%')
            {
                sb.Append(' ').Append(c).Append(' ');
            }
            else
            {
                sb.Append(' ');
            }
        }

        return string.Join(' ', sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Removes spaces, so Chinese patterns match whatever punctuation separated the words.</summary>
    public static string Compact(string normalized) => normalized.Replace(" ", "", StringComparison.Ordinal);

    public static string Capitalize(string text) =>
        text.Length == 0 || !char.IsLower(text[0]) ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>Ends a reply sentence with a full stop unless it already ends with sentence punctuation.</summary>
    public static bool EndsWithPunctuation(string text) =>
        text.Length > 0 && text[^1] is '.' or '!' or '?' or '。' or '！' or '？' or '…';
}
