using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Turns.Detection;

/// <summary>Creates <see cref="TranscriptTurnDetector"/>s; no engine, no network, nothing shared between calls.</summary>
public sealed class TranscriptTurnDetectorFactory(VadEndpointerOptions options, TimeProvider? time = null) : ITurnDetectorFactory
{
    public ITurnDetector Create(int sampleRate, UserTranscript transcript) => new TranscriptTurnDetector(options, transcript, time ?? TimeProvider.System);
}
