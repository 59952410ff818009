namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>
/// Decides, while the user is silent inside a turn, how long that silence must last before the turn ends. Sits between
/// the VAD and the endpointer; holds per-call state (one instance per call, owned and disposed by the VAD stage).
/// </summary>
/// <remarks>
/// It sees every frame of the turn and, through <see cref="UserTranscript"/>, the recogniser's partials, so a detector
/// that scores the audio or the words with a model fits behind the same seam as the built-in rules.
/// </remarks>
public interface ITurnDetector : IDisposable
{
    /// <summary>A turn (or speech over the agent) starts.</summary>
    void TurnStarted(TurnId turn);

    /// <summary>Each 16 kHz frame of the turn, with the VAD's decision for it.</summary>
    void Observe(ReadOnlySpan<short> frame, bool isSpeech);

    /// <summary>
    /// Asked on every silent frame with the silence heard so far; the turn ends once <paramref name="silence"/> reaches
    /// the answer. Asked again on each frame, so a partial that arrives during the pause can change the answer.
    /// </summary>
    TimeSpan EndSilence(TimeSpan silence);
}
