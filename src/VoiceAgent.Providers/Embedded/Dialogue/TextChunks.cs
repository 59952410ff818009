namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>
/// Cuts a reply into the pieces a language model would stream: a word with its leading space, or one CJK character.
/// The pieces concatenate back to the reply exactly, and their count doubles as a rough token count.
/// </summary>
internal static class TextChunks
{
    public static List<string> Split(string text)
    {
        var chunks = new List<string>(text.Length / 4 + 1);
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                // Trailing whitespace rides on the last piece so nothing is lost.
                if (chunks.Count > 0)
                {
                    chunks[^1] += text[start..];
                }
                else
                {
                    chunks.Add(text[start..]);
                }

                break;
            }

            if (DialogueText.IsCjk(text[i]))
            {
                i++;
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && !DialogueText.IsCjk(text[i]))
                {
                    i++;
                }
            }

            chunks.Add(text[start..i]);
        }

        return chunks;
    }

    /// <summary>Counts the pieces without allocating them, for usage figures of the input.</summary>
    public static int Count(string text)
    {
        var count = 0;
        var inWord = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (DialogueText.IsCjk(c))
            {
                count++;
                inWord = false;
            }
            else if (!inWord)
            {
                count++;
                inWord = true;
            }
        }

        return count;
    }
}
