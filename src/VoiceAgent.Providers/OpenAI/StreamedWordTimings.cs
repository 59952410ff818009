using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>
/// Hands out a sentence's estimated word timings (<see cref="EstimatedWordTimings"/>) as its audio streams in, so that
/// every word lies inside the audio it describes: a word goes out with the chunk it starts in, no word ends past the
/// audio received so far, and the words the estimate puts past the real end are fitted into the sentence's real duration.
/// </summary>
/// <remarks>The caller holds back one chunk, so the last chunk's words can be fitted once the real duration is known.</remarks>
internal sealed class StreamedWordTimings(IReadOnlyList<WordTimingContent> estimate)
{
    private int _next;
    private TimeSpan _lastEnd;

    /// <summary>The words starting before <paramref name="chunkEnd"/>, ending no later than <paramref name="received"/>.</summary>
    public List<WordTimingContent> Until(TimeSpan chunkEnd, TimeSpan received)
    {
        var words = new List<WordTimingContent>();
        while (_next < estimate.Count && estimate[_next].Start < chunkEnd)
        {
            var w = estimate[_next++];
            var start = Max(w.Start, _lastEnd);
            var end = Min(w.End, received);
            words.Add(Fit(w.Text, start, end));
        }

        return words;
    }

    /// <summary>
    /// Every word not yet handed out, scaled in order into what is left of the real <paramref name="duration"/>, all
    /// starting in the last chunk (from <paramref name="lastChunkStart"/>), which they go out with.
    /// </summary>
    public List<WordTimingContent> Rest(TimeSpan duration, TimeSpan lastChunkStart)
    {
        var words = new List<WordTimingContent>();
        if (_next >= estimate.Count)
        {
            return words;
        }

        var from = estimate[_next].Start;
        var span = estimate[^1].End - from;
        var begin = Min(Max(_lastEnd, lastChunkStart), duration);
        var scale = span > TimeSpan.Zero ? (duration - begin) / span : 0;
        while (_next < estimate.Count)
        {
            var w = estimate[_next++];
            words.Add(Fit(w.Text, begin + (w.Start - from) * scale, begin + (w.End - from) * scale));
        }

        return words;
    }

    private WordTimingContent Fit(string text, TimeSpan start, TimeSpan end)
    {
        end = Max(end, start);
        _lastEnd = end;
        return new WordTimingContent(text, start, end - start);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
