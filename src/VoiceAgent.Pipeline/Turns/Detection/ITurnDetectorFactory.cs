namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>Creates a call's <see cref="ITurnDetector"/>. Registered keyed by name; <c>VoiceAgent:Pipeline:Vad:TurnDetector</c> picks one.</summary>
public interface ITurnDetectorFactory
{
    ITurnDetector Create(int sampleRate, UserTranscript transcript);
}
