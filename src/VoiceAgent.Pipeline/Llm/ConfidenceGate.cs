using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// Whether a final transcript with words is still too unsure to answer: other people talking near the microphone come
/// out of the recogniser as a long run of real but unlikely words, which the wordless-turn rule cannot catch.
/// </summary>
public sealed class ConfidenceGate(ConfidenceGateOptions options)
{
    /// <summary>True when <paramref name="text"/> should be treated like a wordless final: nothing to the LLM, no reply, no history.</summary>
    public bool Drops(string? text, double? confidence) =>
        options.MinConfidence > 0
        && confidence is { } c && c < options.MinConfidence
        && UtteranceText.Words(text ?? "").Count >= options.MinWords;
}
