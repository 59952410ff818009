using System.Text.Json;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// One client message of a recorded-question socket: a packet <c>{"seq","total","data"[,"type"][,"session_id"]}</c>
/// or <c>{"type":"end"}</c>. <see cref="Seq"/> counts from 1, as in the seed.
/// </summary>
public sealed record UploadPacket(int Seq, int Total, byte[] Data, string? Type, string? SessionId)
{
    /// <summary>True for <c>{"type":"end"}</c>, which carries no data.</summary>
    public bool IsEnd => Type == "end";

    /// <summary>Parses one message; the error says what was wrong (bad JSON, bad base64, a packet over <paramref name="maxPacketBytes"/>).</summary>
    public static bool TryParse(ReadOnlyMemory<byte> json, int maxPacketBytes, out UploadPacket? packet, out RecordedError? error)
    {
        packet = null;
        error = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return TryRead(doc.RootElement, maxPacketBytes, out packet, out error);
        }
        catch (JsonException ex)
        {
            error = new RecordedError($"The message is not valid JSON: {ex.Message}", "bad_json");
            return false;
        }
    }

    private static bool TryRead(JsonElement root, int maxPacketBytes, out UploadPacket? packet, out RecordedError? error)
    {
        packet = null;
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = new RecordedError("A message must be a JSON object: a packet {\"seq\",\"total\",\"data\"} or {\"type\":\"end\"}.", "bad_message");
            return false;
        }

        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type == "end")
        {
            packet = new UploadPacket(0, 0, [], type, null);
            return true;
        }

        if (!WholeNumber(root, "seq", out var seq) || !WholeNumber(root, "total", out var total))
        {
            error = new RecordedError("A packet needs whole numbers 'seq' (from 1) and 'total'.", "bad_packet", Type: type);
            return false;
        }

        if (!root.TryGetProperty("data", out var d) || d.ValueKind != JsonValueKind.String)
        {
            error = new RecordedError($"Packet {seq} has no 'data' string (base64).", "bad_packet", seq, type);
            return false;
        }

        var text = d.GetString()!;
        if (text.StartsWith("data:", StringComparison.Ordinal) && text.IndexOf(',') is var comma and > 0)
        {
            text = text[(comma + 1)..]; // a browser's data URL: the base64 follows the comma
        }

        var buffer = new byte[(text.Length / 4 * 3) + 3];
        if (!Convert.TryFromBase64String(text, buffer, out var length))
        {
            error = new RecordedError($"Packet {seq}: 'data' is not valid base64.", "bad_base64", seq, type);
            return false;
        }

        if (length > maxPacketBytes)
        {
            error = new RecordedError($"Packet {seq} is {length} bytes; packets may be at most {maxPacketBytes} bytes. It was not counted.", "packet_too_large", seq, type);
            return false;
        }

        var sessionId = root.TryGetProperty("session_id", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        packet = new UploadPacket(seq, total, buffer.AsSpan(0, length).ToArray(), type, sessionId);
        return true;
    }

    private static bool WholeNumber(JsonElement root, string name, out int value)
    {
        value = 0;
        return root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }
}
