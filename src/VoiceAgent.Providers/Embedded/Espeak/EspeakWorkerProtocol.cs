using System.Buffers.Binary;
using System.Text;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>The pipe protocol between the service and an eSpeak worker process: length-prefixed, little-endian.</summary>
/// <remarks>
/// Request (service → worker stdin): int32 payload length, then int32 rate, pitch, volume, int32 voice byte count, the voice
/// in UTF-8 and the text in UTF-8 (the rest of the payload). Reply (worker stdout): frames of one kind byte, an int32 payload
/// length and the payload. <see cref="Ready"/> comes once at start with eSpeak's sample rate; a request is answered by
/// <see cref="Word"/> and <see cref="Audio"/> frames in eSpeak's order, then <see cref="End"/> or <see cref="Failed"/>.
/// The worker flushes every audio frame, so the start of a long text reaches the service before eSpeak reaches its end.
/// </remarks>
internal static class EspeakWorkerProtocol
{
    /// <summary>int32 sample rate.</summary>
    public const byte Ready = (byte)'R';

    /// <summary>int32 text position, length, sample (an <see cref="EspeakWordEvent"/>).</summary>
    public const byte Word = (byte)'W';

    /// <summary>PCM16 mono at eSpeak's sample rate.</summary>
    public const byte Audio = (byte)'A';

    /// <summary>The request is complete (empty payload).</summary>
    public const byte End = (byte)'E';

    /// <summary>eSpeak refused the request (UTF-8 message); the worker carries on.</summary>
    public const byte Failed = (byte)'F';

    private const int HeaderBytes = 5;

    // Far above any sentence or audio block; a larger length means the stream is out of step.
    private const int MaxPayload = 16 * 1024 * 1024;

    public static async Task WriteRequestAsync(Stream output, EspeakSpeech speech, CancellationToken cancellationToken)
    {
        var voiceBytes = Encoding.UTF8.GetByteCount(speech.Voice);
        var payload = 16 + voiceBytes + Encoding.UTF8.GetByteCount(speech.Text);
        var buffer = new byte[4 + payload];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, payload);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(4), speech.Rate);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(8), speech.Pitch);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(12), speech.Volume);
        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(16), voiceBytes);
        Encoding.UTF8.GetBytes(speech.Voice, buffer.AsSpan(20));
        Encoding.UTF8.GetBytes(speech.Text, buffer.AsSpan(20 + voiceBytes));
        await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The next request, or null when the service closed the pipe.</summary>
    public static async Task<EspeakSpeech?> ReadRequestAsync(Stream input, CancellationToken cancellationToken)
    {
        var length = new byte[4];
        if (!await ReadOrEndAsync(input, length, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var payload = await ReadPayloadAsync(input, BinaryPrimitives.ReadInt32LittleEndian(length), cancellationToken).ConfigureAwait(false);
        var voiceBytes = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(12));
        if (payload.Length < 16 || voiceBytes < 0 || voiceBytes > payload.Length - 16)
        {
            throw new InvalidDataException("eSpeak worker request is malformed.");
        }

        return new EspeakSpeech(
            Encoding.UTF8.GetString(payload, 16 + voiceBytes, payload.Length - 16 - voiceBytes),
            Encoding.UTF8.GetString(payload, 16, voiceBytes),
            BinaryPrimitives.ReadInt32LittleEndian(payload),
            BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4)),
            BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(8)));
    }

    /// <summary>Writes one frame; synchronous because the worker writes from inside eSpeak's callback.</summary>
    public static void WriteFrame(Stream output, byte kind, ReadOnlySpan<byte> payload)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        header[0] = kind;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], payload.Length);
        output.Write(header);
        output.Write(payload);
    }

    public static void WriteInt32s(Stream output, byte kind, params ReadOnlySpan<int> values)
    {
        Span<byte> payload = stackalloc byte[4 * values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload[(4 * i)..], values[i]);
        }

        WriteFrame(output, kind, payload);
    }

    /// <summary>The next frame, or null when the worker's output ended (it exited or was killed).</summary>
    public static async Task<(byte Kind, byte[] Payload)?> ReadFrameAsync(Stream input, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderBytes];
        if (!await ReadOrEndAsync(input, header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return (header[0], await ReadPayloadAsync(input, BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1)), cancellationToken).ConfigureAwait(false));
    }

    public static int ReadInt32(byte[] payload, int index) => BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4 * index));

    private static async Task<bool> ReadOrEndAsync(Stream input, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await input.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return read == buffer.Length ? true
            : read == 0 ? false
            : throw new EndOfStreamException("eSpeak worker pipe ended inside a frame.");
    }

    private static async Task<byte[]> ReadPayloadAsync(Stream input, int length, CancellationToken cancellationToken)
    {
        if (length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"eSpeak worker frame of {length} bytes: the pipe is out of step.");
        }

        var payload = new byte[length];
        await input.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }
}
