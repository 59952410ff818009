using VoiceAgent.Api.Tests.Infrastructure;
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

    [Theory]
    [InlineData("float, stereo, 48 kHz", new[] { "-r", "48000", "-c", "2", "-e", "floating-point", "-b", "32" })]
    [InlineData("24-bit, stereo, 44.1 kHz", new[] { "-r", "44100", "-c", "2", "-e", "signed-integer", "-b", "24" })]
    [InlineData("24-bit, mono, 48 kHz", new[] { "-r", "48000", "-c", "1", "-e", "signed-integer", "-b", "24" })]
    [InlineData("float, mono, 44.1 kHz", new[] { "-r", "44100", "-c", "1", "-e", "floating-point", "-b", "32" })]
    [InlineData("16-bit, stereo, 44.1 kHz", new[] { "-r", "44100", "-c", "2", "-e", "signed-integer", "-b", "16" })]
    [InlineData("32-bit, 4 channels, 22.05 kHz", new[] { "-r", "22050", "-c", "4", "-e", "signed-integer", "-b", "32" })]
    public void A_recorded_wav_of_any_common_kind_becomes_the_same_16_khz_mono_speech(string kind, string[] soxFormat)
    {
        var reference = TestAudio.FliteWav("what is the weather in paris");
        var expected = WavFile.Read(reference).Data.ToArray();
        var recorded = TestAudio.SoxWav(reference, soxFormat);

        var speech = SpeechAudio.FromWav(recorded);

        // Same length (resampling keeps time), and the same speech: its loudness, frame by frame, follows the original's.
        speech.Duration.TotalMilliseconds.ShouldBe(AudioFormat.Pcm16Mono16k.DurationOf(expected.Length).TotalMilliseconds, 10, kind);
        Correlation(Envelope(expected), Envelope(speech.Pcm)).ShouldBeGreaterThan(0.95, kind);
    }

    [Fact]
    public void A_file_that_is_not_a_wav_is_a_clear_error()
    {
        Should.Throw<HarnessException>(() => SpeechAudio.FromWav([1, 2, 3])).Message.ShouldContain("WAV");
    }

    /// <summary>RMS of each 20 ms frame.</summary>
    private static double[] Envelope(byte[] pcm)
    {
        var frame = AudioFormat.Pcm16Mono16k.BytesFor(20);
        return [.. Enumerable.Range(0, pcm.Length / frame).Select(i => SpeechAudio.Rms(pcm.AsSpan(i * frame, frame)))];
    }

    private static double Correlation(double[] a, double[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        var (ma, mb) = (a.Take(n).Average(), b.Take(n).Average());
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < n; i++)
        {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }

        return ab / Math.Sqrt(aa * bb);
    }
}
