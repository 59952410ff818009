namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>The detector switched off (<c>TurnDetector = Fixed</c>): every turn ends after the same <c>EndSilenceMs</c>.</summary>
public sealed class FixedTurnDetector(TimeSpan endSilence) : ITurnDetector, ITurnDetectorFactory
{
    public const string Name = "Fixed";

    public ITurnDetector Create(int sampleRate, UserTranscript transcript) => this;

    public void TurnStarted(TurnId turn)
    {
    }

    public void Observe(ReadOnlySpan<short> frame, bool isSpeech)
    {
    }

    public TimeSpan EndSilence(TimeSpan silence) => endSilence;

    public void Dispose()
    {
    }
}
