namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// Classifies one fixed-size PCM16 mono frame as speech or not. Holds per-stream state: one instance per stream.
/// The detector states its own frame length; callers frame the audio by it (WebRTC: 10, 20 or 30 ms; Silero: 32 ms).
/// </summary>
public interface IVoiceActivityDetector : IDisposable
{
    int SampleRate { get; }

    /// <summary>Frame length in milliseconds this detector takes (its window).</summary>
    int FrameMs { get; }

    /// <summary>True when the frame holds speech. The frame must hold exactly <see cref="FrameMs"/> of samples.</summary>
    bool IsSpeech(ReadOnlySpan<short> frame);
}

/// <summary>Creates a detector per stream.</summary>
public interface IVoiceActivityDetectorFactory
{
    /// <param name="sampleRate">The stream's sample rate.</param>
    /// <param name="frameMs">The preferred frame length; a detector with a fixed window ignores it and states its own in <see cref="IVoiceActivityDetector.FrameMs"/>.</param>
    IVoiceActivityDetector Create(int sampleRate, int frameMs);
}
