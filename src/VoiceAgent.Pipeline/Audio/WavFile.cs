using System.Buffers.Binary;
using System.Text;

namespace VoiceAgent.Pipeline.Audio;

/// <summary>Reads and writes RIFF/WAVE files holding PCM16 audio.</summary>
public static class WavFile
{
    private const int HeaderBytes = 44;

    /// <summary>True when the bytes start like a RIFF/WAVE file.</summary>
    public static bool LooksLikeWav(ReadOnlySpan<byte> data) =>
        data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WAVE"u8);

    /// <summary>Parses a WAV file; throws <see cref="InvalidDataException"/> with a clear message for anything but PCM16.</summary>
    public static AudioChunk Read(ReadOnlySpan<byte> file)
    {
        if (!LooksLikeWav(file))
        {
            throw new InvalidDataException("Not a WAV file: it does not start with RIFF....WAVE.");
        }

        AudioFormat? format = null;
        var pos = 12;
        while (pos + 8 <= file.Length)
        {
            var id = file.Slice(pos, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file[(pos + 4)..]);
            var body = pos + 8;
            if (size > int.MaxValue || body + (long)size > file.Length)
            {
                // Streaming writers leave 0 or 0xFFFFFFFF in the data size: take the rest of the file.
                if (id.SequenceEqual("data"u8) && format is not null)
                {
                    size = (uint)(file.Length - body);
                }
                else
                {
                    throw new InvalidDataException("Truncated WAV file: a chunk runs past the end of the data.");
                }
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = ParseFormat(file.Slice(body, (int)size));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is not { } f)
                {
                    throw new InvalidDataException("WAV file has its data chunk before its fmt chunk.");
                }

                var length = (int)size / f.BlockAlign * f.BlockAlign;
                return new AudioChunk(file.Slice(body, length).ToArray(), f);
            }

            pos = body + (int)size + (int)(size & 1);
        }

        throw new InvalidDataException(format is null ? "WAV file has no fmt chunk." : "WAV file has no data chunk.");
    }

    public static AudioChunk Read(string path) => Read(File.ReadAllBytes(path));

    public static byte[] Write(AudioChunk audio)
    {
        var f = audio.Format;
        if (f.BitsPerSample != 16)
        {
            throw new ArgumentException($"Only PCM16 can be written, not {f.BitsPerSample}-bit.", nameof(audio));
        }

        var data = audio.Data.Span;
        var bytes = new byte[HeaderBytes + data.Length];
        var s = bytes.AsSpan();
        WriteHeader(f, (uint)data.Length, s);
        data.CopyTo(s[HeaderBytes..]);
        return bytes;
    }

    /// <summary>
    /// The 44-byte header of a WAV file whose length is not known yet (a stream): both sizes are 0xFFFFFFFF, as OpenAI's
    /// streamed WAV has them; readers take "to the end of the stream".
    /// </summary>
    public static byte[] StreamingHeader(AudioFormat format)
    {
        var header = new byte[HeaderBytes];
        WriteHeader(format, uint.MaxValue, header);
        return header;
    }

    private static void WriteHeader(AudioFormat f, uint dataLength, Span<byte> s)
    {
        Encoding.ASCII.GetBytes("RIFF", s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], dataLength == uint.MaxValue ? uint.MaxValue : 36 + dataLength);
        Encoding.ASCII.GetBytes("WAVEfmt ", s[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(s[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(s[22..], (short)f.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(s[24..], f.SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(s[28..], f.BytesPerSecond);
        BinaryPrimitives.WriteInt16LittleEndian(s[32..], (short)f.BlockAlign);
        BinaryPrimitives.WriteInt16LittleEndian(s[34..], 16);
        Encoding.ASCII.GetBytes("data", s[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[40..], dataLength);
    }

    private static AudioFormat ParseFormat(ReadOnlySpan<byte> fmt)
    {
        if (fmt.Length < 16)
        {
            throw new InvalidDataException("WAV fmt chunk is shorter than 16 bytes.");
        }

        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);
        const ushort Extensible = 0xFFFE;
        if (tag == Extensible && fmt.Length >= 26)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
        }

        if (tag != 1)
        {
            throw new InvalidDataException($"Unsupported WAV encoding (format tag {tag}): only PCM is accepted.");
        }

        if (bits != 16)
        {
            throw new InvalidDataException($"Unsupported WAV sample size: {bits}-bit; only 16-bit PCM is accepted.");
        }

        if (channels is < 1 or > 8 || rate is < 1000 or > 384_000)
        {
            throw new InvalidDataException($"Implausible WAV format: {channels} channels at {rate} Hz.");
        }

        return new AudioFormat(rate, channels);
    }
}
