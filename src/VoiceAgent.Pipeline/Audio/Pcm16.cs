using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>Conversions between PCM16 little-endian bytes, 16-bit samples and floats in [-1, 1].</summary>
public static class Pcm16
{
    /// <summary>Views little-endian PCM16 bytes as samples without copying (this runtime is little-endian only on the platforms we ship).</summary>
    public static ReadOnlySpan<short> AsSamples(ReadOnlySpan<byte> pcm)
    {
        if ((pcm.Length & 1) != 0)
        {
            throw new ArgumentException($"PCM16 data must have an even number of bytes, got {pcm.Length}.", nameof(pcm));
        }

        return BitConverter.IsLittleEndian ? MemoryMarshal.Cast<byte, short>(pcm) : ToSamplesSlow(pcm);
    }

    public static ReadOnlySpan<byte> AsBytes(ReadOnlySpan<short> samples) =>
        BitConverter.IsLittleEndian ? MemoryMarshal.AsBytes(samples) : ToBytesSlow(samples);

    public static short[] ToSamples(ReadOnlySpan<byte> pcm) => AsSamples(pcm).ToArray();

    public static byte[] ToBytes(ReadOnlySpan<short> samples) => AsBytes(samples).ToArray();

    public static void ToFloat(ReadOnlySpan<short> samples, Span<float> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        }

        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = samples[i] / 32768f;
        }
    }

    public static void FromFloat(ReadOnlySpan<float> samples, Span<short> destination)
    {
        if (destination.Length < samples.Length)
        {
            throw new ArgumentException("Destination is shorter than the source.", nameof(destination));
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var v = samples[i];
            if (float.IsNaN(v))
            {
                v = 0;
            }

            destination[i] = (short)Math.Clamp(MathF.Round(v * 32768f), short.MinValue, short.MaxValue);
        }
    }

    /// <summary>Root mean square level of the samples, 0..32768.</summary>
    public static double Rms(ReadOnlySpan<short> samples)
    {
        if (samples.IsEmpty)
        {
            return 0;
        }

        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    private static short[] ToSamplesSlow(ReadOnlySpan<byte> pcm)
    {
        var result = new short[pcm.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadInt16LittleEndian(pcm[(i * 2)..]);
        }

        return result;
    }

    private static byte[] ToBytesSlow(ReadOnlySpan<short> samples)
    {
        var result = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(result.AsSpan(i * 2), samples[i]);
        }

        return result;
    }
}
