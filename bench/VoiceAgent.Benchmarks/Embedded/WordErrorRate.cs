namespace VoiceAgent.Benchmarks.Embedded;

/// <summary>Word-level edit distance between a reference and a hypothesis (substitutions, insertions, deletions).</summary>
public static class WordErrorRate
{
    public static List<string> Words(string text) =>
        text.ToLowerInvariant().Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries).ToList();

    public static int Errors(string reference, string hypothesis)
    {
        var r = Words(reference);
        var h = Words(hypothesis);
        var row = Enumerable.Range(0, h.Count + 1).ToArray();
        for (var i = 1; i <= r.Count; i++)
        {
            var previous = row[0];
            row[0] = i;
            for (var j = 1; j <= h.Count; j++)
            {
                var current = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), previous + (r[i - 1] == h[j - 1] ? 0 : 1));
                previous = current;
            }
        }

        return row[h.Count];
    }
}
