namespace VoiceAgent.Pipeline.Text;

/// <summary>Tuning knobs for <see cref="SentenceSplitter"/>.</summary>
public sealed class SentenceSplitterOptions
{
    /// <summary>
    /// Cut the first clause of a reply on <c>，,、：:</c> too, so TTS can start before the first full sentence is written.
    /// </summary>
    public bool FirstClauseOnComma { get; init; } = true;

    /// <summary>
    /// Minimum words before a comma cut in a Latin-script first clause. "Well," alone sounds clipped;
    /// CJK clauses (any Han, kana or Hangul character) have no minimum.
    /// </summary>
    public int FirstClauseMinWords { get; init; } = 2;

    /// <summary>
    /// A sentence longer than this is cut at its last clause break or space (or hard, if it has none),
    /// so TTS never waits for a giant sentence.
    /// </summary>
    public int MaxSentenceChars { get; init; } = 300;

    internal void Validate()
    {
        if (MaxSentenceChars < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSentenceChars), MaxSentenceChars, "Must be at least 16.");
        }

        if (FirstClauseMinWords < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FirstClauseMinWords), FirstClauseMinWords, "Must not be negative.");
        }
    }
}
