namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// When a final transcript is too unsure to answer (configuration section <c>VoiceAgent:Pipeline:Llm:Confidence</c>): a
/// final of at least <see cref="MinWords"/> words whose recogniser confidence is below <see cref="MinConfidence"/> is
/// treated as a wordless turn. Finals without a confidence (engines that give none) are never dropped.
/// </summary>
public sealed class ConfidenceGateOptions
{
    /// <summary>
    /// The confidence (0–1, the engine's own measure) below which a long final is dropped; 0 (the default) turns the gate
    /// off. 0.45 with <see cref="MinWords"/> 6 was chosen for PocketSphinx on the turn benchmark's tune part in process,
    /// but in the service the babble's finals came out shorter (5–8 words) and 3 of 24 babble turns were still answered,
    /// so the gate is not on by default.
    /// </summary>
    public double MinConfidence { get; set; }

    /// <summary>
    /// Shorter finals are always answered: a short question heard in noise comes out as few words with a confidence as low
    /// as babble's, and leaving a user unanswered is the costlier mistake; babble goes on and yields many words.
    /// </summary>
    public int MinWords { get; set; } = 6;

    public void Validate()
    {
        if (MinConfidence is < 0 or > 1 || double.IsNaN(MinConfidence) || MinWords < 1)
        {
            throw new ArgumentException("VoiceAgent:Pipeline:Llm:Confidence: MinConfidence must be 0–1 and MinWords >= 1.");
        }
    }
}
