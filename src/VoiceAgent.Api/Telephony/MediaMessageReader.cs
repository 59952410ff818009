using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Reads Twilio's and Telnyx's <c>media</c> message, <c>{"event":"media","media":{"track","chunk","payload"}}</c>, where it
/// was received: a <see cref="Utf8JsonReader"/> over the bytes, no document and no strings, the base64 payload decoded
/// into an array from <see cref="AudioPool"/>. A field with JSON escapes (a .NET client's serializer writes base64's
/// <c>+</c> as <c>\u002B</c>) is unescaped into a pooled scratch array first. Any other message is left to the document
/// path (<see cref="MediaMessageKind.Other"/>).
/// </summary>
/// <remarks>
/// It judges a message as that path does: the root value is read to its end (not what may follow it), a property given
/// twice counts by its last value, a field that is a number counts as its digits, and a payload Convert would take is
/// taken (the text route below catches what the UTF-8 decoder refuses, such as whitespace).
/// </remarks>
internal static class MediaMessageReader
{
    public static MediaMessageKind Read(ReadOnlySpan<byte> message, out CarrierAudio audio, out string? problem)
    {
        audio = default;
        problem = null;
        var fields = default(MediaFields);
        try
        {
            var reader = new Utf8JsonReader(message);
            if (!fields.Scan(ref reader))
            {
                return MediaMessageKind.Other;
            }
        }
        catch (JsonException ex)
        {
            problem = $"malformed JSON ({ex.Message})";
            return MediaMessageKind.Malformed;
        }

        if (!fields.IsMedia)
        {
            return MediaMessageKind.Other;
        }

        // Escaped text is unescaped here, one field at a time; it is never longer than the message.
        var scratch = fields.Track.Escaped || fields.Payload.Escaped || fields.Chunk.Escaped ? ArrayPool<byte>.Shared.Rent(message.Length) : null;
        try
        {
            if (fields.Track.IsText && fields.Track.Text(scratch) is var track && !track.SequenceEqual("inbound"u8))
            {
                problem = $"media of the {Encoding.UTF8.GetString(track)} track";
                return MediaMessageKind.Ignored;
            }

            // The chunk is read before the payload is decoded: reading an escaped field can throw, and must not strand a rented array.
            long? chunk = fields.Chunk.IsText && long.TryParse(fields.Chunk.Text(scratch), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;
            if (!fields.Payload.IsText || !TryDecode(fields.Payload.Text(scratch), out var rented, out var length))
            {
                problem = "media without a base64 payload";
                return MediaMessageKind.Malformed;
            }

            audio = new CarrierAudio(chunk, rented, length);
            return MediaMessageKind.Media;
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> base64, out byte[] rented, out int length)
    {
        rented = AudioPool.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(base64.Length)));
        if (Base64.DecodeFromUtf8(base64, rented, out var consumed, out length) == OperationStatus.Done && consumed == base64.Length)
        {
            return true;
        }

        // Not plain base64: Convert, which the document path used, decides (it allows whitespace, for one).
        var text = ArrayPool<char>.Shared.Rent(Math.Max(1, base64.Length));
        try
        {
            var chars = Encoding.UTF8.GetChars(base64, text);
            if (Convert.TryFromBase64Chars(text.AsSpan(0, chars), rented, out length))
            {
                return true;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }

        AudioPool.Return(rented);
        rented = [];
        return false;
    }

    /// <summary>One field as found: whether it is a string or a number (what the document path reads as text), and the reader stopped on it.</summary>
    private ref struct Field
    {
        public bool IsText;
        public bool Escaped;
        private Utf8JsonReader _at;

        public void Take(ref Utf8JsonReader reader)
        {
            IsText = reader.TokenType is JsonTokenType.String or JsonTokenType.Number;
            Escaped = IsText && reader.ValueIsEscaped;
            _at = reader;
            reader.Skip();
        }

        /// <summary>The value's UTF-8 text: the received bytes, or, when escaped, unescaped into <paramref name="scratch"/>.</summary>
        public readonly ReadOnlySpan<byte> Text(byte[]? scratch) => Escaped ? scratch.AsSpan(0, _at.CopyString(scratch)) : _at.ValueSpan;
    }

    private ref struct MediaFields
    {
        public bool IsMedia;
        public Field Track;
        public Field Chunk;
        public Field Payload;

        /// <summary>Reads the root object through; false when the root is not an object (the document path says why).</summary>
        public bool Scan(ref Utf8JsonReader reader)
        {
            // An empty message throws here: JSON needs a value.
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("event"u8))
                {
                    reader.Read();
                    IsMedia = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("media"u8);
                    reader.Skip();
                }
                else if (reader.ValueTextEquals("media"u8))
                {
                    // A second "media" replaces the first, whatever it holds.
                    Track = default;
                    Chunk = default;
                    Payload = default;
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ScanMedia(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return true;
        }

        private void ScanMedia(ref Utf8JsonReader reader)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("payload"u8) ? 1 : reader.ValueTextEquals("chunk"u8) ? 2 : reader.ValueTextEquals("track"u8) ? 3 : 0;
                reader.Read();
                switch (field)
                {
                    case 1:
                        Payload.Take(ref reader);
                        break;
                    case 2:
                        Chunk.Take(ref reader);
                        break;
                    case 3:
                        Track.Take(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }
    }
}
