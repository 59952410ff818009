using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Tests.Fakes;

/// <summary>A test detector: a frame is speech when its RMS exceeds a threshold, or whatever <see cref="IsSpeechCallback"/> says.</summary>
public sealed class EnergyVad : IVoiceActivityDetectorFactory
{
    public double Threshold { get; set; } = 500;

    public Func<ReadOnlySpan<short>, bool>? IsSpeechCallback { get; set; }

    public IVoiceActivityDetector Create(int sampleRate, int frameMs) => new Detector(this, sampleRate, frameMs);

    private sealed class Detector(EnergyVad owner, int sampleRate, int frameMs) : IVoiceActivityDetector
    {
        public int SampleRate => sampleRate;

        public int FrameMs => frameMs;

        public bool IsSpeech(ReadOnlySpan<short> frame) =>
            owner.IsSpeechCallback is { } cb ? cb(frame) : Pcm16.Rms(frame) > owner.Threshold;

        public void Dispose()
        {
        }
    }
}
