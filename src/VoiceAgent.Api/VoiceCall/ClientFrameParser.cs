using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using VoiceAgent.Pipeline.Audio;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// Parses the seed's client frames, <c>{"audio","meta_info":{"session_id","encoding"},"is_close"}</c>, strictly enough
/// that every malformed frame gets one error saying what was wrong, and leniently enough that unknown fields pass.
/// </summary>
/// <remarks>
/// Every call sends one of these every 20 ms, so the frame is read where it was received, with a
/// <see cref="Utf8JsonReader"/>: no document, no strings but the session id (and not even that once it is known), and
/// the base64 audio decoded straight into an array from <see cref="AudioPool"/>. The whole frame is read before any
/// field is judged, so a frame that is not JSON is always called malformed; a property given twice counts by its last value.
/// </remarks>
public static class ClientFrameParser
{
    /// <summary>Longest audio in one frame: 1 s of 16 kHz PCM16.</summary>
    public const int MaxAudioBytes = 32_000;

    private static readonly int MaxBase64Chars = Base64.GetMaxEncodedToUtf8Length(MaxAudioBytes) + 4;

    private static readonly JsonReaderOptions Reader = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <param name="json">The frame as received; read in place (no copy) and not kept after the call.</param>
    /// <param name="knownSessionId">The call's session id, if known: a frame naming it gets this very string, not a new one
    /// (as the usual encoding, "raw", gets a constant).</param>
    public static bool TryParse(ReadOnlyMemory<byte> json, out ClientFrame frame, out ClientFrameError? error, string? knownSessionId = null)
    {
        frame = default;
        error = null;
        var fields = new FrameFields();
        try
        {
            var reader = new Utf8JsonReader(json.Span, Reader);
            fields.Scan(ref reader);
        }
        catch (JsonException ex)
        {
            error = new(400, $"Malformed JSON: {Shorten(ex.Message)}");
            return false;
        }

        try
        {
            return TryRead(ref fields, knownSessionId, out frame, out error);
        }
        catch (InvalidOperationException)
        {
            // GetString throws on an escaped lone surrogate, which is well-formed JSON but not text.
            error = new(400, "A string in the frame is not valid Unicode (a lone surrogate escape).");
            return false;
        }
    }

    /// <summary>Checks raw PCM from a binary frame against the same rules as base64 audio.</summary>
    public static ClientFrameError? CheckPcm(int length) => length switch
    {
        > MaxAudioBytes => new(413, $"Audio frames may hold at most 1 s ({MaxAudioBytes} bytes of PCM16 at 16 kHz); this one has {length}."),
        _ when (length & 1) != 0 => new(400, $"PCM16 audio must have an even number of bytes; this frame has {length}."),
        _ => null,
    };

    private static bool TryRead(ref FrameFields fields, string? knownSessionId, out ClientFrame frame, out ClientFrameError? error)
    {
        frame = default;
        error = null;
        if (fields.Root != JsonTokenType.StartObject)
        {
            error = new(400, $"A frame must be a JSON object, not {Describe(fields.Root)}.");
            return false;
        }

        string? sessionId = null;
        string? encoding = null;
        if (fields.Meta is not (JsonTokenType.None or JsonTokenType.Null))
        {
            if (fields.Meta != JsonTokenType.StartObject)
            {
                error = new(400, $"'meta_info' must be an object, not {Describe(fields.Meta)}.");
                return false;
            }

            if (!TryString(ref fields.SessionId, "session_id", knownSessionId, out sessionId, out error) || !TryString(ref fields.Encoding, "encoding", "raw", out encoding, out error))
            {
                return false;
            }

            if (sessionId is { Length: 0 })
            {
                error = new(400, "'meta_info.session_id' must not be empty.");
                return false;
            }
        }

        var isClose = false;
        if (fields.Close is not (JsonTokenType.None or JsonTokenType.Null))
        {
            if (fields.Close is not (JsonTokenType.True or JsonTokenType.False))
            {
                error = new(400, $"'is_close' must be true or false, not {Describe(fields.Close)}.");
                return false;
            }

            isClose = fields.Close == JsonTokenType.True;
        }

        if (fields.Audio.TokenType is JsonTokenType.None or JsonTokenType.Null)
        {
            frame = new ClientFrame(null, sessionId, isClose);
            return true;
        }

        if (fields.Audio.TokenType != JsonTokenType.String)
        {
            error = new(400, $"'audio' must be a base64 string, not {Describe(fields.Audio.TokenType)}.");
            return false;
        }

        if (encoding is not null && !encoding.Equals("raw", StringComparison.OrdinalIgnoreCase))
        {
            error = new(415, $"Encoding '{Shorten(encoding)}' is not supported: send raw PCM16LE mono 16 kHz with \"encoding\":\"raw\".");
            return false;
        }

        if (!TryDecode(ref fields.Audio, out var pooled, out var length, out error))
        {
            return false;
        }

        frame = new ClientFrame(pooled.AsMemory(0, length), sessionId, isClose) { Pooled = pooled };
        return true;
    }

    private static bool TryDecode(ref Utf8JsonReader audio, out byte[] pooled, out int length, out ClientFrameError? error)
    {
        // Plain base64 needs no escapes, so the audio is decoded from the bytes received. Anything else (escapes,
        // whitespace, oversize, bad base64) takes the text path, which decides as Convert.FromBase64String always has.
        var base64 = audio.ValueSpan;
        if (base64.Length <= MaxBase64Chars && !audio.ValueIsEscaped)
        {
            pooled = AudioPool.Rent(Math.Max(1, DecodedLength(base64)));
            if (Base64.DecodeFromUtf8(base64, pooled, out var consumed, out length) == OperationStatus.Done && consumed == base64.Length)
            {
                return Accept(ref pooled, length, out error);
            }

            AudioPool.Return(pooled);
        }

        var text = ArrayPool<char>.Shared.Rent(Math.Max(1, base64.Length));
        try
        {
            return TryDecodeText(text.AsSpan(0, audio.CopyString(text)), out pooled, out length, out error);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(text);
        }
    }

    private static bool TryDecodeText(ReadOnlySpan<char> text, out byte[] pooled, out int length, out ClientFrameError? error)
    {
        pooled = [];
        length = 0;
        error = null;
        if (text.Length > MaxBase64Chars)
        {
            error = new(413, $"Audio frames may hold at most 1 s ({MaxAudioBytes} bytes of PCM16 at 16 kHz); this one is {text.Length} base64 characters.");
            return false;
        }

        pooled = AudioPool.Rent(Math.Max(1, Base64.GetMaxDecodedFromUtf8Length(text.Length)));
        if (!Convert.TryFromBase64Chars(text, pooled, out length))
        {
            AudioPool.Return(pooled);
            error = new(400, "'audio' is not valid base64.");
            return false;
        }

        return Accept(ref pooled, length, out error);
    }

    private static bool Accept(ref byte[] pooled, int length, out ClientFrameError? error)
    {
        error = CheckPcm(length);
        if (error is not null)
        {
            AudioPool.Return(pooled);
            pooled = [];
            return false;
        }

        return true;
    }

    /// <summary>The exact decoded size of well-formed padded base64; malformed input fails the decode anyway.</summary>
    private static int DecodedLength(ReadOnlySpan<byte> base64)
    {
        var max = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        var padding = base64.Length >= 2 && base64[^1] == '=' ? (base64[^2] == '=' ? 2 : 1) : 0;
        return Math.Max(0, max - padding);
    }

    private static bool TryString(ref Utf8JsonReader value, string name, string? known, out string? text, out ClientFrameError? error)
    {
        text = null;
        error = null;
        if (value.TokenType is JsonTokenType.None or JsonTokenType.Null)
        {
            return true;
        }

        if (value.TokenType != JsonTokenType.String)
        {
            error = new(400, $"'meta_info.{name}' must be a string, not {Describe(value.TokenType)}.");
            return false;
        }

        text = known is not null && value.ValueTextEquals(known) ? known : value.GetString();
        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";

    /// <summary>
    /// The fields of one frame as found by reading it to its end: the kind of each, and a reader stopped on each string
    /// value, so that a value is only decoded once the whole frame is known to be JSON.
    /// </summary>
    private ref struct FrameFields
    {
        public JsonTokenType Root;
        public JsonTokenType Meta;
        public JsonTokenType Close;
        public Utf8JsonReader Audio;
        public Utf8JsonReader SessionId;
        public Utf8JsonReader Encoding;

        public void Scan(ref Utf8JsonReader reader)
        {
            // An empty frame throws here: JSON needs a value.
            reader.Read();
            Root = reader.TokenType;
            if (Root == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("meta_info"u8))
                    {
                        reader.Read();
                        ReadMeta(ref reader);
                    }
                    else if (reader.ValueTextEquals("is_close"u8))
                    {
                        reader.Read();
                        Close = reader.TokenType;
                        reader.Skip();
                    }
                    else if (reader.ValueTextEquals("audio"u8))
                    {
                        reader.Read();
                        Audio = reader;
                        reader.Skip();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }

            // The rest, to its end: anything after the frame's value, or malformed within it, throws.
            while (reader.Read())
            {
            }
        }

        private void ReadMeta(ref Utf8JsonReader reader)
        {
            // A later meta_info replaces an earlier one whole.
            Meta = reader.TokenType;
            SessionId = default;
            Encoding = default;
            if (Meta != JsonTokenType.StartObject)
            {
                reader.Skip();
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSession = reader.ValueTextEquals("session_id"u8);
                var isEncoding = !isSession && reader.ValueTextEquals("encoding"u8);
                reader.Read();
                if (isSession)
                {
                    SessionId = reader;
                }
                else if (isEncoding)
                {
                    Encoding = reader;
                }

                reader.Skip();
            }
        }
    }
}
