using VoiceAgent.Pipeline.Text;

namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>
/// Reads the user's words so far, English or Chinese: whether they leave the sentence open or complete it, and how many
/// are real words rather than backchannels ("uh huh", "yeah", "嗯", "对"). Cheap enough to run on every partial.
/// </summary>
public static class UtteranceText
{
    public static UtteranceEnding Classify(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return UtteranceEnding.Neutral;
        }

        // A recogniser that punctuates says it outright.
        var mark = trimmed[^1];
        if (mark is '?' or '？')
        {
            return UtteranceEnding.Complete;
        }

        if (mark is ',' or '，' or '、' or '…' || trimmed.EndsWith("...", StringComparison.Ordinal) || trimmed.EndsWith('-'))
        {
            return UtteranceEnding.Open;
        }

        var chinese = ChineseTail(trimmed);
        if (chinese.Length > 0)
        {
            return ChineseUtterance.Classify(chinese);
        }

        var words = Words(trimmed);
        return words.Count == 0 ? UtteranceEnding.Neutral : EnglishUtterance.Classify(words);
    }

    /// <summary>
    /// Whether the text holds any word, in any script, once a recogniser's notes on what it heard ("[BLANK_AUDIO]", "(music)",
    /// "&lt;sil&gt;") are set aside: a final without one ("", "...", "[noise]") is a wordless turn, nothing to answer. A note
    /// is a bracket holding only letters, spaces, '_' and '-'; a bracket holding digits or other marks is the user's own
    /// text, as the keys of a phone call are ("[DTMF: 7#]").
    /// </summary>
    public static bool HasWords(string? text)
    {
        var rest = (text ?? "").AsSpan();
        while (!rest.IsEmpty)
        {
            var c = rest[0];
            var close = c switch { '[' => ']', '(' => ')', '<' => '>', _ => '\0' };
            var end = close == '\0' ? -1 : rest[1..].IndexOf(close);
            if (end >= 0 && IsNote(rest.Slice(1, end)))
            {
                rest = rest[(end + 2)..];
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                return true;
            }

            rest = rest[1..];
        }

        return false;
    }

    private static bool IsNote(ReadOnlySpan<char> inside)
    {
        foreach (var c in inside)
        {
            if (!(char.IsLetter(c) || c is ' ' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Words that are not backchannels or hesitations: what makes speech over the agent an interruption.</summary>
    public static int RealWords(string? text)
    {
        var trimmed = (text ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return 0;
        }

        var cjk = new System.Text.StringBuilder();
        var latin = new System.Text.StringBuilder();
        foreach (var c in trimmed)
        {
            (TextChars.IsCjk(c) ? cjk : latin).Append(TextChars.IsCjk(c) || char.IsLetterOrDigit(c) || c == '\'' || c == '-' ? c : ' ');
        }

        return ChineseUtterance.RealWords(cjk.ToString()) + EnglishUtterance.RealWords(Words(latin.ToString()));
    }

    /// <summary>
    /// A partial without its last word (its last character, in Chinese): a streaming recogniser keeps revising the word
    /// it is on ("okay" passes through "oh" and "hey" on the way), so only the words before it are settled.
    /// </summary>
    public static string SettledPart(string? partial)
    {
        var trimmed = (partial ?? "").TrimEnd();
        var end = trimmed.Length;
        while (end > 0 && (char.IsPunctuation(trimmed[end - 1]) || char.IsWhiteSpace(trimmed[end - 1])))
        {
            end--;
        }

        if (end > 0 && TextChars.IsCjk(trimmed[end - 1]))
        {
            return trimmed[..(end - 1)];
        }

        var start = end;
        while (start > 0 && !char.IsWhiteSpace(trimmed[start - 1]) && !TextChars.IsCjk(trimmed[start - 1]))
        {
            start--;
        }

        return trimmed[..start];
    }

    /// <summary>
    /// The settled words of <paramref name="current"/> that <paramref name="previous"/> (the partial before it) already
    /// had, word for word. A recogniser revises its early words too while a hum goes on ("an end" → "an and him" →
    /// "an an h m m"); a word that survives one more partial is worth counting, one that flickers through is not.
    /// </summary>
    public static string StablePart(string? previous, string? current)
    {
        var settled = SettledPart(current);

        // The end of the previous partial is a word boundary too: "wait" then "wait what" share "wait ".
        var before = (previous ?? "").TrimEnd() + " ";
        var n = 0;
        while (n < settled.Length && n < before.Length && settled[n] == before[n])
        {
            n++;
        }

        if (n == settled.Length)
        {
            return settled;
        }

        while (n > 0 && !char.IsWhiteSpace(settled[n - 1]) && !TextChars.IsCjk(settled[n - 1]))
        {
            n--;
        }

        return settled[..n];
    }

    /// <summary>Lower-case words, apostrophes kept ("what's"), everything else a separator.</summary>
    internal static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'') && !TextChars.IsCjk(text[i]);
            if (inWord && start < 0)
            {
                start = i;
            }
            else if (!inWord && start >= 0)
            {
                words.Add(text[start..i].Trim('\'').ToLowerInvariant());
                start = -1;
            }
        }

        words.RemoveAll(w => w.Length == 0);
        return words;
    }

    // The text's Chinese ending, punctuation and spaces dropped; empty when the text ends in another script.
    private static string ChineseTail(string text)
    {
        var end = text.Length;
        while (end > 0 && (char.IsWhiteSpace(text[end - 1]) || char.IsPunctuation(text[end - 1])))
        {
            end--;
        }

        if (end == 0 || !TextChars.IsCjk(text[end - 1]))
        {
            return "";
        }

        var chars = new System.Text.StringBuilder();
        foreach (var c in text.AsSpan(0, end))
        {
            if (!char.IsWhiteSpace(c) && !char.IsPunctuation(c))
            {
                chars.Append(c);
            }
        }

        return chars.ToString();
    }
}
