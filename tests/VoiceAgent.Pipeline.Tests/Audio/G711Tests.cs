using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Pipeline.Tests.Audio;

/// <summary>G.711 against the standard's reference values (ITU-T G.711 Tables 1a/2a, G.191 reference encoder).</summary>
public class G711Tests
{
    // (code on the line, decoder output in the standard's units: 14-bit for µ-law, 13-bit for A-law)
    [Theory]
    [InlineData(0xFF, 0)]      // positive zero
    [InlineData(0x7F, 0)]      // negative zero
    [InlineData(0xFE, 2)]
    [InlineData(0xF0, 30)]     // last step of segment 0
    [InlineData(0xEF, 33)]     // first step of segment 1
    [InlineData(0xDF, 99)]     // first step of segment 2
    [InlineData(0x8F, 4191)]   // first step of segment 7
    [InlineData(0x80, 8031)]   // the largest value
    [InlineData(0x00, -8031)]
    [InlineData(0x7E, -2)]
    public void MuLaw_decodes_to_the_reference_values(int code, int reference) =>
        ((int)G711.MuLawDecode((byte)code)).ShouldBe(reference * 4);

    [Theory]
    [InlineData(0xD5, 1)]      // smallest positive (0x80 before the even bits are inverted)
    [InlineData(0x55, -1)]
    [InlineData(0xD4, 3)]
    [InlineData(0xDA, 31)]     // last step of segment 0 (0x8F)
    [InlineData(0xC5, 33)]     // first step of segment 1 (0x90)
    [InlineData(0xF5, 66)]     // first step of segment 2 (0xA0)
    [InlineData(0xAA, 4032)]   // the largest value (0xFF)
    [InlineData(0x2A, -4032)]
    public void ALaw_decodes_to_the_reference_values(int code, int reference) =>
        ((int)G711.ALawDecode((byte)code)).ShouldBe(reference * 8);

    [Theory]
    [InlineData(0, 0xFF, 0xD5)]
    [InlineData(-1, 0x7F, 0x55)]
    [InlineData(short.MaxValue, 0x80, 0xAA)]
    [InlineData(short.MinValue, 0x00, 0x2A)]
    [InlineData(132, 0xEF, 0xDD)] // µ-law 33 (14-bit) is step 0 of segment 1; A-law 16 (13-bit) is step 8 of segment 0
    public void Encodes_the_reference_codes(int sample, int mulaw, int alaw)
    {
        G711.MuLawEncode((short)sample).ShouldBe((byte)mulaw);
        G711.ALawEncode((short)sample).ShouldBe((byte)alaw);
    }

    [Fact]
    public void Every_code_survives_decode_then_encode()
    {
        for (var code = 0; code < 256; code++)
        {
            // µ-law has two zeros; the encoder writes positive zero for both.
            G711.MuLawEncode(G711.MuLawDecode((byte)code)).ShouldBe(code == 0x7F ? (byte)0xFF : (byte)code);
            G711.ALawEncode(G711.ALawDecode((byte)code)).ShouldBe((byte)code);
        }
    }

    [Fact]
    public void Decoding_is_monotonic_in_the_linear_value()
    {
        var mu = Enumerable.Range(0, 65536).Select(i => G711.MuLawDecode(G711.MuLawEncode((short)(i - 32768)))).ToArray();
        var a = Enumerable.Range(0, 65536).Select(i => G711.ALawDecode(G711.ALawEncode((short)(i - 32768)))).ToArray();
        for (var i = 1; i < mu.Length; i++)
        {
            mu[i].ShouldBeGreaterThanOrEqualTo(mu[i - 1]);
            a[i].ShouldBeGreaterThanOrEqualTo(a[i - 1]);
        }
    }

    [Fact]
    public void A_sine_keeps_the_codecs_signal_to_noise_ratio()
    {
        // G.711 gives about 38 dB SQNR for a loud sine; 30 dB is a clear floor for a correct codec.
        var samples = Enumerable.Range(0, 8000).Select(i => (short)(12000 * Math.Sin(2 * Math.PI * 1004 * i / 8000.0))).ToArray();
        var codes = new byte[samples.Length];
        var back = new short[samples.Length];
        G711.MuLawEncode(samples, codes);
        G711.MuLawDecode(codes, back);
        Snr(samples, back).ShouldBeGreaterThan(30);
        G711.ALawEncode(samples, codes);
        G711.ALawDecode(codes, back);
        Snr(samples, back).ShouldBeGreaterThan(30);
    }

    [Fact]
    public void Span_codecs_do_not_allocate()
    {
        var samples = new short[160];
        var codes = new byte[160];
        G711.MuLawEncode(samples, codes);
        G711.MuLawDecode(codes, samples);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            G711.MuLawEncode(samples, codes);
            G711.MuLawDecode(codes, samples);
            G711.ALawEncode(samples, codes);
            G711.ALawDecode(codes, samples);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    private static double Snr(short[] signal, short[] decoded)
    {
        double s = 0, n = 0;
        for (var i = 0; i < signal.Length; i++)
        {
            s += (double)signal[i] * signal[i];
            n += (double)(signal[i] - decoded[i]) * (signal[i] - decoded[i]);
        }

        return 10 * Math.Log10(s / n);
    }
}
