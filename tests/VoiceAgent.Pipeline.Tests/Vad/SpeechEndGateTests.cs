using VoiceAgent.Pipeline.Vad;

namespace VoiceAgent.Pipeline.Tests.Vad;

public class SpeechEndGateTests
{
    [Fact]
    public void Quiet_frames_the_detector_still_calls_speech_count_as_silence()
    {
        var gate = new SpeechEndGate();
        for (var i = 0; i < 20; i++)
        {
            gate.IsSpeech(detected: true, rms: 3000).ShouldBeTrue();
        }

        // The detector's hangover after the voice stopped: digital silence or a faint tail.
        gate.IsSpeech(detected: true, rms: 0).ShouldBeFalse();
        gate.IsSpeech(detected: true, rms: 100).ShouldBeFalse();

        // Softer speech (a fricative, a quieter word) is still speech.
        gate.IsSpeech(detected: true, rms: 400).ShouldBeTrue();
    }

    [Fact]
    public void What_the_detector_calls_silence_stays_silence()
    {
        var gate = new SpeechEndGate();
        gate.IsSpeech(detected: false, rms: 5000).ShouldBeFalse();
    }

    [Fact]
    public void One_loud_frame_does_not_make_the_rest_of_the_turn_silence()
    {
        var gate = new SpeechEndGate();
        for (var i = 0; i < 10; i++)
        {
            gate.IsSpeech(true, 1000);
        }

        gate.IsSpeech(true, 30_000).ShouldBeTrue();
        gate.IsSpeech(true, 1000).ShouldBeTrue();
        gate.Reset();
        gate.Level.ShouldBe(0);
    }
}
