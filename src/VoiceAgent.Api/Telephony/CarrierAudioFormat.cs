using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>How a carrier's audio is coded on the wire: G.711 µ-law, A-law, or 16-bit linear PCM, at its sample rate.</summary>
public sealed record CarrierAudioFormat(CarrierCodec Codec, int SampleRate)
{
    /// <summary>What every carrier can do: µ-law at 8 kHz.</summary>
    public static CarrierAudioFormat MuLaw8k { get; } = new(CarrierCodec.MuLaw, 8000);

    /// <summary>Bytes per sample on the wire.</summary>
    public int BytesPerSample => Codec is CarrierCodec.L16 or CarrierCodec.L16BigEndian ? 2 : 1;

    /// <summary>Bytes in one 20 ms frame, the carriers' packet size.</summary>
    public int FrameBytes => SampleRate / 50 * BytesPerSample;

    /// <summary>The PCM format the payload decodes to.</summary>
    public AudioFormat Pcm => AudioFormat.Pcm16Mono(SampleRate);

    /// <summary>Bytes of PCM16 that <paramref name="payloadBytes"/> bytes on the wire decode to.</summary>
    public int PcmBytes(int payloadBytes) => BytesPerSample == 2 ? payloadBytes & ~1 : payloadBytes * 2;

    /// <summary>Decodes a payload to PCM16 little-endian in a new array.</summary>
    public byte[] Decode(ReadOnlySpan<byte> payload)
    {
        var pcm = new byte[PcmBytes(payload.Length)];
        DecodeInto(payload, pcm);
        return pcm;
    }

    /// <summary>Decodes a payload to PCM16 little-endian into <paramref name="pcm"/> (at least <see cref="PcmBytes"/> long); returns the bytes written.</summary>
    public int DecodeInto(ReadOnlySpan<byte> payload, Span<byte> pcm)
    {
        var length = PcmBytes(payload.Length);
        var samples = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(pcm[..length]);
        switch (Codec)
        {
            case CarrierCodec.MuLaw:
                G711.MuLawDecode(payload, samples);
                break;
            case CarrierCodec.ALaw:
                G711.ALawDecode(payload, samples);
                break;
            case CarrierCodec.L16BigEndian:
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(payload[..length]), samples);
                break;
            default:
                payload[..length].CopyTo(pcm);
                break;
        }

        return length;
    }

    /// <summary>Encodes PCM16 samples into <paramref name="wire"/> (<c>samples.Length * BytesPerSample</c> bytes).</summary>
    public void Encode(ReadOnlySpan<short> samples, Span<byte> wire)
    {
        switch (Codec)
        {
            case CarrierCodec.MuLaw:
                G711.MuLawEncode(samples, wire);
                break;
            case CarrierCodec.ALaw:
                G711.ALawEncode(samples, wire);
                break;
            case CarrierCodec.L16BigEndian:
                System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(samples, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(wire));
                break;
            default:
                System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples).CopyTo(wire);
                break;
        }
    }

    /// <summary>The byte that is silence in this coding (L16 silence is zero bytes).</summary>
    public byte SilenceByte => Codec switch
    {
        CarrierCodec.MuLaw => G711.MuLawSilence,
        CarrierCodec.ALaw => G711.ALawSilence,
        _ => 0,
    };
}
