using System.Globalization;

namespace VoiceAgent.Providers.Embedded.PocketSphinx;

/// <summary>Writes a back-off n-gram language model in ARPA text form from sentences, with absolute discounting.</summary>
/// <remarks>
/// Built here rather than by an external toolkit so the product can rebuild its domain model whenever its phrases
/// change, in milliseconds and with nothing else installed. Each seen n-gram gives up a discount D (from the
/// count-of-counts, n1 / (n1 + 2 n2)) to its context's back-off; the back-off weight makes every distribution sum to
/// one: α(h) = (1 − Σ P(w|h)) / (1 − Σ P_lower(w|h)) over the words seen after h. PocketSphinx loads the text directly.
/// </remarks>
internal static class ArpaLanguageModel
{
    public const string SentenceStart = "<s>";
    public const string SentenceEnd = "</s>";

    public static void Write(IReadOnlyList<IReadOnlyList<string>> sentences, TextWriter writer, int order = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        var counts = new Dictionary<string, int>[order + 1];
        for (var k = 1; k <= order; k++)
        {
            counts[k] = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        foreach (var sentence in sentences)
        {
            var tokens = new List<string>(sentence.Count + 2) { SentenceStart };
            tokens.AddRange(sentence);
            tokens.Add(SentenceEnd);
            for (var k = 1; k <= order; k++)
            {
                for (var i = 0; i + k <= tokens.Count; i++)
                {
                    if (k == 1 && i == 0)
                    {
                        continue; // <s> is only ever a context
                    }

                    var key = string.Join(' ', tokens.GetRange(i, k));
                    counts[k][key] = counts[k].GetValueOrDefault(key) + 1;
                }
            }
        }

        var probability = new Dictionary<string, double>[order + 1];
        var backoff = new Dictionary<string, double>(StringComparer.Ordinal);
        var total = counts[1].Values.Sum();
        probability[1] = counts[1].ToDictionary(p => p.Key, p => (double)p.Value / total, StringComparer.Ordinal);
        for (var k = 2; k <= order; k++)
        {
            var discount = Discount(counts[k]);
            var contextTotals = new Dictionary<string, (int Count, int Types)>(StringComparer.Ordinal);
            foreach (var (ngram, c) in counts[k])
            {
                var context = ngram[..ngram.LastIndexOf(' ')];
                var t = contextTotals.GetValueOrDefault(context);
                contextTotals[context] = (t.Count + c, t.Types + 1);
            }

            probability[k] = new Dictionary<string, double>(StringComparer.Ordinal);
            var seenMass = new Dictionary<string, (double High, double Low)>(StringComparer.Ordinal);
            foreach (var (ngram, c) in counts[k])
            {
                var context = ngram[..ngram.LastIndexOf(' ')];
                var p = (c - discount) / contextTotals[context].Count;
                probability[k][ngram] = p;
                var lower = LowerProbability(ngram[(ngram.IndexOf(' ') + 1)..], probability, backoff);
                var m = seenMass.GetValueOrDefault(context);
                seenMass[context] = (m.High + p, m.Low + lower);
            }

            foreach (var (context, (high, low)) in seenMass)
            {
                // Guard the division: when the seen words already hold (almost) all the lower-order mass.
                backoff[context] = Math.Max(1 - high, 1e-9) / Math.Max(1 - low, 1e-9);
            }
        }

        writer.WriteLine(@"\data\");
        for (var k = 1; k <= order; k++)
        {
            var n = counts[k].Count + (k == 1 ? 1 : 0);
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ngram {k}={n}"));
        }

        for (var k = 1; k <= order; k++)
        {
            writer.WriteLine();
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $@"\{k}-grams:"));
            if (k == 1)
            {
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"-99.0000 {SentenceStart} {Log(backoff.GetValueOrDefault(SentenceStart, 1)):F4}"));
            }

            foreach (var (ngram, p) in probability[k].OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                writer.WriteLine(k < order && backoff.TryGetValue(ngram, out var b)
                    ? string.Create(CultureInfo.InvariantCulture, $"{Log(p):F4} {ngram} {Log(b):F4}")
                    : string.Create(CultureInfo.InvariantCulture, $"{Log(p):F4} {ngram}"));
            }
        }

        writer.WriteLine();
        writer.WriteLine(@"\end\");
    }

    // P(w | h) for the n-gram "h w" as the model will compute it: seen, or backed off to a shorter context.
    private static double LowerProbability(string ngram, Dictionary<string, double>[] probability, Dictionary<string, double> backoff)
    {
        var k = ngram.Count(c => c == ' ') + 1;
        if (probability[k].TryGetValue(ngram, out var p))
        {
            return p;
        }

        if (k == 1)
        {
            return 0; // every word of the model was seen as a unigram
        }

        var context = ngram[..ngram.LastIndexOf(' ')];
        return backoff.GetValueOrDefault(context, 1) * LowerProbability(ngram[(ngram.IndexOf(' ') + 1)..], probability, backoff);
    }

    private static double Discount(Dictionary<string, int> counts)
    {
        var n1 = counts.Values.Count(c => c == 1);
        var n2 = counts.Values.Count(c => c == 2);
        return n1 + n2 == 0 ? 0.5 : Math.Clamp((double)n1 / (n1 + (2.0 * n2)), 0.1, 0.9);
    }

    private static double Log(double p) => Math.Log10(Math.Max(p, 1e-99));
}
