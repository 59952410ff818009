using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// Parses the seed's client frames, <c>{"audio","meta_info":{"session_id","encoding"},"is_close"}</c>, strictly enough
/// that every malformed frame gets one error saying what was wrong, and leniently enough that unknown fields pass.
/// </summary>
public static class ClientFrameParser
{
    /// <summary>Longest audio in one frame: 1 s of 16 kHz PCM16.</summary>
    public const int MaxAudioBytes = 32_000;

    private static readonly int MaxBase64Chars = Base64.GetMaxEncodedToUtf8Length(MaxAudioBytes) + 4;

    private static readonly JsonDocumentOptions Document = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow };

    /// <param name="json">The frame as received; read in place (no copy) and not kept after the call.</param>
    public static bool TryParse(ReadOnlyMemory<byte> json, out ClientFrame? frame, out ClientFrameError? error)
    {
        frame = null;
        error = null;
        JsonDocument doc;
        try
        {
            // Parse (not ParseValue) reads the caller's bytes in place with pooled metadata, and refuses anything after the object.
            doc = JsonDocument.Parse(json, Document);
        }
        catch (JsonException ex)
        {
            error = new(400, $"Malformed JSON: {Shorten(ex.Message)}");
            return false;
        }

        using (doc)
        {
            try
            {
                return TryRead(doc.RootElement, out frame, out error);
            }
            catch (InvalidOperationException)
            {
                // GetString throws on an escaped lone surrogate, which is well-formed JSON but not text.
                error = new(400, "A string in the frame is not valid Unicode (a lone surrogate escape).");
                return false;
            }
        }
    }

    private static bool TryRead(JsonElement root, out ClientFrame? frame, out ClientFrameError? error)
    {
        frame = null;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new(400, $"A frame must be a JSON object, not {Describe(root.ValueKind)}.");
            return false;
        }

        string? sessionId = null;
        string? encoding = null;
        if (root.TryGetProperty("meta_info", out var meta) && meta.ValueKind != JsonValueKind.Null)
        {
            if (meta.ValueKind != JsonValueKind.Object)
            {
                error = new(400, $"'meta_info' must be an object, not {Describe(meta.ValueKind)}.");
                return false;
            }

            if (!TryString(meta, "session_id", out sessionId, out error) || !TryString(meta, "encoding", out encoding, out error))
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
        if (root.TryGetProperty("is_close", out var close) && close.ValueKind != JsonValueKind.Null)
        {
            if (close.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = new(400, $"'is_close' must be true or false, not {Describe(close.ValueKind)}.");
                return false;
            }

            isClose = close.GetBoolean();
        }

        byte[]? audio = null;
        if (root.TryGetProperty("audio", out var audioJson) && audioJson.ValueKind != JsonValueKind.Null)
        {
            if (audioJson.ValueKind != JsonValueKind.String)
            {
                error = new(400, $"'audio' must be a base64 string, not {Describe(audioJson.ValueKind)}.");
                return false;
            }

            if (encoding is not null && !encoding.Equals("raw", StringComparison.OrdinalIgnoreCase))
            {
                error = new(415, $"Encoding '{Shorten(encoding)}' is not supported: send raw PCM16LE mono 16 kHz with \"encoding\":\"raw\".");
                return false;
            }

            if (!TryDecode(audioJson, out audio, out error))
            {
                return false;
            }
        }

        frame = new ClientFrame(audio, sessionId, isClose);
        return true;
    }

    /// <summary>Checks raw PCM from a binary frame against the same rules as base64 audio.</summary>
    public static ClientFrameError? CheckPcm(int length) => length switch
    {
        > MaxAudioBytes => new(413, $"Audio frames may hold at most 1 s ({MaxAudioBytes} bytes of PCM16 at 16 kHz); this one has {length}."),
        _ when (length & 1) != 0 => new(400, $"PCM16 audio must have an even number of bytes; this frame has {length}."),
        _ => null,
    };

    private static bool TryDecode(JsonElement audioJson, out byte[]? audio, out ClientFrameError? error)
    {
        // The raw UTF-8 of the string (quotes included) straight from the frame: plain base64 needs no escapes, so the
        // audio is decoded from the bytes received, with no intermediate string (~1.7 KB per 20 ms frame, every frame of
        // every call). Anything else (escapes, whitespace, oversize, bad base64) takes the string path, which decides
        // exactly as before.
        var base64 = JsonMarshal.GetRawUtf8Value(audioJson)[1..^1];
        if (base64.Length <= MaxBase64Chars && !base64.Contains((byte)'\\'))
        {
            var buffer = new byte[DecodedLength(base64)];
            if (Base64.DecodeFromUtf8(base64, buffer, out var consumed, out var written) == OperationStatus.Done && consumed == base64.Length)
            {
                return Accept(buffer, written, out audio, out error);
            }
        }

        return TryDecodeText(audioJson.GetString()!, out audio, out error);
    }

    private static bool TryDecodeText(string text, out byte[]? audio, out ClientFrameError? error)
    {
        audio = null;
        error = null;
        if (text.Length > MaxBase64Chars)
        {
            error = new(413, $"Audio frames may hold at most 1 s ({MaxAudioBytes} bytes of PCM16 at 16 kHz); this one is {text.Length} base64 characters.");
            return false;
        }

        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (!Convert.TryFromBase64String(text, buffer, out var written))
        {
            error = new(400, "'audio' is not valid base64.");
            return false;
        }

        return Accept(buffer, written, out audio, out error);
    }

    private static bool Accept(byte[] buffer, int written, out byte[]? audio, out ClientFrameError? error)
    {
        audio = null;
        error = CheckPcm(written);
        if (error is not null)
        {
            return false;
        }

        audio = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
        return true;
    }

    /// <summary>The exact decoded size of well-formed padded base64 (so the array needs no trimming copy); malformed input fails the decode anyway.</summary>
    private static int DecodedLength(ReadOnlySpan<byte> base64)
    {
        var max = Base64.GetMaxDecodedFromUtf8Length(base64.Length);
        var padding = base64.Length >= 2 && base64[^1] == '=' ? (base64[^2] == '=' ? 2 : 1) : 0;
        return Math.Max(0, max - padding);
    }

    private static bool TryString(JsonElement obj, string name, out string? value, out ClientFrameError? error)
    {
        value = null;
        error = null;
        if (!obj.TryGetProperty(name, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (p.ValueKind != JsonValueKind.String)
        {
            error = new(400, $"'meta_info.{name}' must be a string, not {Describe(p.ValueKind)}.");
            return false;
        }

        value = p.GetString();
        return true;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..120] + "…";
}
