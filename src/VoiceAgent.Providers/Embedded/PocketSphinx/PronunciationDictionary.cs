namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>A CMU-format pronunciation dictionary (<c>word PH ON ES</c>, variants as <c>word(2)</c>), read for lookups.</summary>
internal sealed class PronunciationDictionary
{
    private readonly Dictionary<string, List<string>> _entries;

    private PronunciationDictionary(Dictionary<string, List<string>> entries) => _entries = entries;

    public static PronunciationDictionary Load(string path)
    {
        var entries = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space <= 0)
            {
                continue;
            }

            var word = line[..space];
            var variant = word.IndexOf('(', StringComparison.Ordinal);
            word = variant > 0 ? word[..variant] : word;
            if (!entries.TryGetValue(word, out var list))
            {
                entries[word] = list = [];
            }

            list.Add(line[(space + 1)..].Trim());
        }

        return new PronunciationDictionary(entries);
    }

    /// <summary>
    /// The pronunciations of <paramref name="word"/>: its own, else a guess — the same word with or without an
    /// apostrophe ("whats" as "what's"), or two dictionary words run together ("voiceagent"). Empty if none fits.
    /// </summary>
    public IReadOnlyList<string> Lookup(string word, out bool guessed)
    {
        guessed = false;
        if (_entries.TryGetValue(word, out var own))
        {
            return own;
        }

        guessed = true;
        var plain = word.Replace("'", "", StringComparison.Ordinal);
        if (plain != word && _entries.TryGetValue(plain, out var withoutApostrophe))
        {
            return withoutApostrophe;
        }

        for (var i = plain.Length - 1; i > 0; i--)
        {
            if (_entries.TryGetValue(plain[..i] + "'" + plain[i..], out var withApostrophe))
            {
                return withApostrophe;
            }
        }

        for (var i = 2; i <= plain.Length - 2; i++)
        {
            if (_entries.TryGetValue(plain[..i], out var head) && _entries.TryGetValue(plain[i..], out var tail))
            {
                return [head[0] + " " + tail[0]];
            }
        }

        return [];
    }
}
