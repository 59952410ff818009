namespace VoiceAgent.Pipeline.Audio;

/// <summary>
/// ITU-T G.711 µ-law and A-law, the telephone network's 8-bit codecs: table lookups both ways, no allocation per call.
/// Decoding gives the standard's reconstruction values scaled to 16 bits (µ-law ×4 from 14-bit, A-law ×8 from 13-bit);
/// encoding takes the 16-bit sample's top 14 (µ-law) or 13 (A-law) bits, as the standard's encoder does.
/// </summary>
public static class G711
{
    // Encode tables are indexed by the truncated linear value (sample >> 2 or >> 3, offset to be non-negative):
    // 16 KB and 8 KB, built once, then each sample is one load.
    private static readonly short[] MuLawToLinear = BuildMuLawDecode();
    private static readonly short[] ALawToLinear = BuildALawDecode();
    private static readonly byte[] LinearToMuLaw = BuildMuLawEncode();
    private static readonly byte[] LinearToALaw = BuildALawEncode();

    /// <summary>The µ-law byte of silence (positive zero).</summary>
    public const byte MuLawSilence = 0xFF;

    /// <summary>The A-law byte of silence (the smallest positive step, 0x80 before even-bit inversion).</summary>
    public const byte ALawSilence = 0xD5;

    public static short MuLawDecode(byte code) => MuLawToLinear[code];

    public static short ALawDecode(byte code) => ALawToLinear[code];

    public static byte MuLawEncode(short sample) => LinearToMuLaw[(sample >> 2) + 8192];

    public static byte ALawEncode(short sample) => LinearToALaw[(sample >> 3) + 4096];

    /// <summary>Decodes <paramref name="codes"/> into the first <c>codes.Length</c> samples of <paramref name="samples"/>.</summary>
    public static void MuLawDecode(ReadOnlySpan<byte> codes, Span<short> samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples.Length, codes.Length, nameof(samples));
        for (var i = 0; i < codes.Length; i++)
        {
            samples[i] = MuLawToLinear[codes[i]];
        }
    }

    public static void ALawDecode(ReadOnlySpan<byte> codes, Span<short> samples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples.Length, codes.Length, nameof(samples));
        for (var i = 0; i < codes.Length; i++)
        {
            samples[i] = ALawToLinear[codes[i]];
        }
    }

    /// <summary>Encodes <paramref name="samples"/> into the first <c>samples.Length</c> bytes of <paramref name="codes"/>.</summary>
    public static void MuLawEncode(ReadOnlySpan<short> samples, Span<byte> codes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codes.Length, samples.Length, nameof(codes));
        for (var i = 0; i < samples.Length; i++)
        {
            codes[i] = LinearToMuLaw[(samples[i] >> 2) + 8192];
        }
    }

    public static void ALawEncode(ReadOnlySpan<short> samples, Span<byte> codes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(codes.Length, samples.Length, nameof(codes));
        for (var i = 0; i < samples.Length; i++)
        {
            codes[i] = LinearToALaw[(samples[i] >> 3) + 4096];
        }
    }

    // G.711 Table 2a (µ-law): the code is the complement of sign, 3-bit segment, 4-bit step; the 14-bit decision value
    // is ((step << 1) + 33) << segment, minus the bias 33. Scaled by 4 to 16 bits.
    private static short[] BuildMuLawDecode()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var u = ~code & 0xFF;
            var segment = (u >> 4) & 7;
            var step = u & 0x0F;
            var magnitude = (((step << 1) + 33) << segment) - 33;
            table[code] = (short)((u & 0x80) != 0 ? -magnitude * 4 : magnitude * 4);
        }

        return table;
    }

    // G.711 Table 1a (A-law): even bits are inverted on the line; the 13-bit value is step*2+1 in segment 0,
    // (step*2+33) << (segment-1) above it. Sign bit 1 is positive. Scaled by 8 to 16 bits.
    private static short[] BuildALawDecode()
    {
        var table = new short[256];
        for (var code = 0; code < 256; code++)
        {
            var a = code ^ 0x55;
            var segment = (a >> 4) & 7;
            var step = a & 0x0F;
            var magnitude = segment == 0 ? (step << 1) + 1 : ((step << 1) + 33) << (segment - 1);
            table[code] = (short)((a & 0x80) != 0 ? magnitude * 8 : -magnitude * 8);
        }

        return table;
    }

    // As the ITU-T G.191 reference encoder: the biased 14-bit magnitude (plus 33) has its highest set bit at 5 + segment.
    private static byte[] BuildMuLawEncode()
    {
        var table = new byte[16384];
        for (var i = 0; i < table.Length; i++)
        {
            var linear = i - 8192; // the sample's top 14 bits, signed
            var sign = linear < 0 ? 0x80 : 0;
            // One's-complement magnitude for negatives (as the reference encoder does), so -1 and 0 both land on zero codes.
            var magnitude = Math.Min((linear < 0 ? -linear - 1 : linear) + 33, 8191);
            var segment = 7;
            while (segment > 0 && (magnitude & (0x20 << segment)) == 0)
            {
                segment--;
            }

            var step = (magnitude >> (segment + 1)) & 0x0F;
            table[i] = (byte)~(sign | (segment << 4) | step);
        }

        return table;
    }

    private static byte[] BuildALawEncode()
    {
        var table = new byte[8192];
        for (var i = 0; i < table.Length; i++)
        {
            var linear = i - 4096; // the sample's top 13 bits, signed
            var sign = linear >= 0 ? 0x80 : 0;
            var magnitude = linear >= 0 ? linear : -linear - 1;
            int segment, step;
            if (magnitude < 32)
            {
                segment = 0;
                step = magnitude >> 1;
            }
            else
            {
                segment = 1;
                while (segment < 7 && magnitude >= (32 << segment))
                {
                    segment++;
                }

                step = (magnitude >> segment) & 0x0F;
            }

            table[i] = (byte)((sign | (segment << 4) | step) ^ 0x55);
        }

        return table;
    }
}
