namespace VoiceAgent.Pipeline.Vad;

/// <summary>Classifies one fixed-size PCM16 mono frame as speech or not. Holds per-stream state: one instance per stream.</summary>
public interface IVoiceActivityDetector : IDisposable
{
    int SampleRate { get; }

    /// <summary>Frame length in milliseconds: 10, 20 or 30.</summary>
    int FrameMs { get; }

    /// <summary>True when the frame holds speech. The frame must hold exactly <see cref="FrameMs"/> of samples.</summary>
    bool IsSpeech(ReadOnlySpan<short> frame);
}

/// <summary>Creates a detector per stream.</summary>
public interface IVoiceActivityDetectorFactory
{
    IVoiceActivityDetector Create(int sampleRate, int frameMs);
}
