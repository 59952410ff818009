using VoiceAgent.Harness;
using VoiceAgent.Harness.Client;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Tests.Harness;

public sealed class SpeechAudioTests
{
    [Fact]
    public void Any_pcm16_wav_becomes_16_khz_mono()
    {
        var stereo8k = new short[8000 * 2];
        for (var i = 0; i < stereo8k.Length; i++)
        {
            stereo8k[i] = (short)(i % 2 == 0 ? 4000 : -4000 + (i % 50));
        }

        var speech = SpeechAudio.FromWav(WavFile.Write(new AudioChunk(Pcm16.ToBytes(stereo8k), new AudioFormat(8000, 2))));

        speech.Duration.TotalMilliseconds.ShouldBe(1000, 5);
    }

    [Fact]
    public void A_file_that_is_not_a_wav_is_a_clear_error()
    {
        Should.Throw<HarnessException>(() => SpeechAudio.FromWav([1, 2, 3])).Message.ShouldContain("WAV");
    }
}
