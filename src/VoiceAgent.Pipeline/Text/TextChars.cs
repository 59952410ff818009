namespace VoiceAgent.Pipeline.Text;

/// <summary>Character classes shared by the splitter and the cleaner.</summary>
internal static class TextChars
{
    /// <summary>Marks that end a sentence wherever they appear (outside URLs).</summary>
    public static bool IsStrongTerminator(char c) => c is '!' or '?' or ';' or '。' or '！' or '？' or '；';

    /// <summary>Marks that end a sentence only with a space after them (or a CJK character before them).</summary>
    public static bool IsPeriod(char c) => c is '.' or '…' or '．';

    /// <summary>Clause marks used to cut the first clause early.</summary>
    public static bool IsClauseMark(char c) => c is ',' or ':' or '，' or '、' or '：';

    /// <summary>Full-width clause marks need no space after them.</summary>
    public static bool IsFullWidthClauseMark(char c) => c is '，' or '、' or '：' or '；';

    public static bool IsMark(char c) => IsStrongTerminator(c) || IsPeriod(c) || IsClauseMark(c);

    /// <summary>Closing quotes, brackets and emphasis that belong to the sentence they close.</summary>
    public static bool IsCloser(char c) => c is '"' or '\'' or ')' or ']' or '}' or '*' or '_' or '`'
        or '”' or '’' or '）' or '」' or '』' or '】' or '》' or '〉' or '］';

    /// <summary>Opening quotes and brackets skipped when looking at the word before a period.</summary>
    public static bool IsOpener(char c) => c is '"' or '\'' or '(' or '[' or '{' or '*' or '_' or '`'
        or '“' or '‘' or '（' or '「' or '『' or '【' or '《' or '〈';

    public static bool IsNewline(char c) => c is '\n' or '\r' or '\u2028' or '\u2029';

    /// <summary>Han, kana, Hangul and CJK punctuation: scripts written without spaces between words.</summary>
    public static bool IsCjk(char c) =>
        c is (>= '\u3000' and <= '\u30FF') // CJK punctuation, hiragana, katakana
            or (>= '\u3400' and <= '\u4DBF')
            or (>= '\u4E00' and <= '\u9FFF')
            or (>= '\uAC00' and <= '\uD7AF')
            or (>= '\uF900' and <= '\uFAFF')
            or (>= '\uFF00' and <= '\uFFEF'); // full-width forms

    public static bool ContainsCjk(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                return true;
            }
        }

        return false;
    }
}
