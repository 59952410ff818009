using System.Collections.Frozen;

namespace VoiceAgent.Pipeline.Text;

/// <summary>Word-level rules the sentence splitter needs: abbreviations and word counts.</summary>
internal static class WordRules
{
    // Checked without the trailing dot and ignoring case. Dotted forms (e.g. i.e. a.m. U.S.) and single
    // capital initials are recognised by shape in IsAbbreviation, so they need no entry here.
    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Abbreviations =
        new[] { "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "mt", "fig", "approx" }
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase)
            .GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>True if <paramref name="word"/> followed by "." is an abbreviation, not a sentence end.</summary>
    public static bool IsAbbreviation(ReadOnlySpan<char> word)
    {
        if (word.Length == 1)
        {
            // "J. Smith"; but "I." ends sentences far too often ("So do I. Then...").
            return char.IsUpper(word[0]) && word[0] != 'I';
        }

        if (Abbreviations.Contains(word))
        {
            return true;
        }

        // Letters separated by dots: e.g, i.e, a.m, U.S, J.R.R (the final dot is the mark itself).
        for (var i = 0; i < word.Length; i++)
        {
            var expectLetter = i % 2 == 0;
            if (expectLetter ? !char.IsLetter(word[i]) : word[i] != '.')
            {
                return false;
            }
        }

        return word.Length % 2 == 1;
    }

    public static int CountWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var isWordChar = !char.IsWhiteSpace(c);
            if (isWordChar && !inWord)
            {
                words++;
            }

            inWord = isWordChar;
        }

        return words;
    }
}
