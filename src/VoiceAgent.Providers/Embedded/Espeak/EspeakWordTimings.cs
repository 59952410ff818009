using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Turns eSpeak WORD events into <see cref="WordTimingContent"/> on the output clock.</summary>
internal static class EspeakWordTimings
{
    // Below this peak a 10 ms stretch counts as silence when trimming the end of the last word (about -50 dBFS).
    private const int SilencePeak = 100;

    public static List<WordTimingContent> Build(string text, IReadOnlyList<EspeakWordEvent> events, int engineRate, ReadOnlySpan<short> output, int outputRate)
    {
        var utf16IndexOfCodePoint = CodePointStarts(text);
        var words = new List<(int First, int End, int Start)>(); // code-point range and output sample
        foreach (var e in events)
        {
            // text_position is 1-based and counts code points; eSpeak also sends position-0 WORD events at some pauses.
            var first = e.TextPosition - 1;
            var end = Math.Min(first + e.Length, utf16IndexOfCodePoint.Length - 1);
            var sample = (int)Math.Round((double)e.Sample * outputRate / engineRate);
            if (first < 0 || first >= end || sample >= output.Length)
            {
                continue;
            }

            // A number is read as several words over overlapping text ("42" → "forty" at 45..46, "two" at 46..47), and
            // two events can share an instant: either way the text cannot be split honestly, so it stays one timed word.
            if (words.Count > 0 && (first < words[^1].End || sample <= words[^1].Start))
            {
                words[^1] = (words[^1].First, Math.Max(words[^1].End, end), words[^1].Start);
                continue;
            }

            words.Add((first, end, sample));
        }

        var audibleEnd = AudibleEnd(output, outputRate);
        var result = new List<WordTimingContent>(words.Count);
        for (var i = 0; i < words.Count; i++)
        {
            var endSample = i + 1 < words.Count ? words[i + 1].Start : Math.Max(audibleEnd, words[i].Start + 1);
            var word = text[utf16IndexOfCodePoint[words[i].First]..utf16IndexOfCodePoint[words[i].End]].Trim();
            var start = ToTime(words[i].Start, outputRate);
            result.Add(new WordTimingContent(word, start, ToTime(endSample, outputRate) - start)); // so a word ends exactly where the next starts
        }

        return result;
    }

    /// <summary>The sample just after the last 10 ms block that is not silent; trailing silence is not part of the last word.</summary>
    internal static int AudibleEnd(ReadOnlySpan<short> samples, int rate)
    {
        var block = Math.Max(1, rate / 100);
        for (var end = samples.Length; end > 0; end -= block)
        {
            var start = Math.Max(0, end - block);
            foreach (var s in samples[start..end])
            {
                if (Math.Abs((int)s) > SilencePeak)
                {
                    return end;
                }
            }
        }

        return samples.Length;
    }

    private static TimeSpan ToTime(int samples, int rate) => TimeSpan.FromTicks(samples * TimeSpan.TicksPerSecond / rate);

    /// <summary>UTF-16 index of every code point, plus one entry for the end of the string.</summary>
    private static int[] CodePointStarts(string text)
    {
        var starts = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            starts.Add(i);
        }

        starts.Add(text.Length);
        return [.. starts];
    }
}
