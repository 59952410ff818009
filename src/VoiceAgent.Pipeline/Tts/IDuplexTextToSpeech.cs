using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Tts;

/// <summary>
/// A text-to-speech engine that takes a reply's text while the LLM still writes it and splits sentences itself (CosyVoice
/// duplex), reached through <c>ITextToSpeechClient.GetService</c>; the pipeline then feeds it pieces instead of sentences.
/// </summary>
public interface IDuplexTextToSpeech
{
    /// <summary>False when configured off: the engine is then used sentence by sentence like any other.</summary>
    bool IsDuplex { get; }

    /// <summary>Opens one synthesis for one reply; it is ready for text when this returns.</summary>
    Task<IDuplexSynthesis> StartAsync(TextToSpeechOptions? options, CancellationToken cancellationToken = default);
}
