using System.Text.Json;

namespace VoiceAgent.Api.Tests.Reliability;

/// <summary>
/// An independent model of PROTOCOLS.md §2 for one client text frame of a call whose session is already known: the error
/// code the frame must get (null: none), and whether it ends the input. It mirrors the parser's one undocumented limit,
/// a nesting depth of 16.
/// </summary>
public static class FrameOracle
{
    private const int MaxPcmBytes = 32_000;
    private const int MaxBase64Chars = 42_668 + 4; // base64 of 32 000 bytes, plus slack for padding
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public readonly record struct Verdict(int? ErrorCode, bool IsClose);

    public static Verdict Judge(byte[] utf8, string sessionId)
    {
        JsonDocument doc;
        try
        {
            // Parse (unlike ParseValue) insists that nothing but whitespace follows the value.
            doc = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException)
        {
            return new(400, false);
        }

        using (doc)
        {
            try
            {
                return Judge(doc.RootElement, sessionId);
            }
            catch (InvalidOperationException)
            {
                // A known field holds a string that is not valid UTF-16 (a lone surrogate escape): a bad frame.
                return new(400, false);
            }
        }
    }

    private static Verdict Judge(JsonElement root, string sessionId)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(400, false);
        }

        string? id = null;
        string? encoding = null;
        if (Present(root, "meta_info", out var meta))
        {
            if (meta.ValueKind != JsonValueKind.Object)
            {
                return new(400, false);
            }

            if (Present(meta, "session_id", out var s))
            {
                if (s.ValueKind != JsonValueKind.String)
                {
                    return new(400, false);
                }

                id = s.GetString();
            }

            if (Present(meta, "encoding", out var e))
            {
                if (e.ValueKind != JsonValueKind.String)
                {
                    return new(400, false);
                }

                encoding = e.GetString();
            }

            if (id is { Length: 0 })
            {
                return new(400, false);
            }
        }

        var isClose = false;
        if (Present(root, "is_close", out var close))
        {
            if (close.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return new(400, false);
            }

            isClose = close.GetBoolean();
        }

        if (Present(root, "audio", out var audio))
        {
            if (audio.ValueKind != JsonValueKind.String)
            {
                return new(400, false);
            }

            if (encoding is not null && !string.Equals(encoding, "raw", StringComparison.OrdinalIgnoreCase))
            {
                return new(415, false);
            }

            var text = audio.GetString()!;
            if (text.Length > MaxBase64Chars)
            {
                return new(413, false);
            }

            byte[] pcm;
            try
            {
                pcm = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
                return new(400, false);
            }

            if (pcm.Length > MaxPcmBytes)
            {
                return new(413, false);
            }

            if (pcm.Length % 2 != 0)
            {
                return new(400, false);
            }
        }

        if (id is not null && id != sessionId)
        {
            return new(400, false); // another session's frame, dropped; its is_close does not count
        }

        return new(null, isClose);
    }

    private static bool Present(JsonElement obj, string name, out JsonElement value) =>
        obj.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
}
