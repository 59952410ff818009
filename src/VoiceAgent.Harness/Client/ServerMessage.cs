using System.Text.Json;

namespace VoiceAgent.Harness.Client;

/// <summary>One message from the server (§2): a JSON frame's fields, or agent audio (valid only during the callback).</summary>
public readonly record struct ServerMessage(string Type, int Code, string Msg, long? TurnId, bool Final, bool Fatal, ServerLatency? Latency, int SampleRate, ReadOnlyMemory<byte> Audio)
{
    public bool IsAudio => Type == AudioType;

    public const string AudioType = "audio";

    public static ServerMessage FromAudio(ReadOnlyMemory<byte> pcm) => new(AudioType, 200, "", null, false, false, null, 0, pcm);

    /// <summary>Parses a text frame; a frame that is not the expected JSON becomes an <c>invalid</c> message.</summary>
    public static ServerMessage Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            var type = root.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            var code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var ci) ? ci : 0;
            var msg = root.TryGetProperty("msg", out var m) ? m.GetString() ?? "" : "";
            long? turn = root.TryGetProperty("turn_id", out var tid) && tid.TryGetInt64(out var tv) ? tv : null;
            var final = root.TryGetProperty("final", out var f) && f.ValueKind == JsonValueKind.True;
            var fatal = root.TryGetProperty("fatal", out var fa) && fa.ValueKind == JsonValueKind.True;
            var rate = root.TryGetProperty("sample_rate", out var r) && r.TryGetInt32(out var rv) ? rv : 0;
            ServerLatency? latency = root.TryGetProperty("latency_ms", out var l) && l.ValueKind == JsonValueKind.Object
                ? new ServerLatency(Number(l, "asr_final"), Number(l, "llm_first_token"), Number(l, "first_audio"))
                : null;
            return new ServerMessage(type, code, msg, turn, final, fatal, latency, rate, default);
        }
        catch (JsonException ex)
        {
            return new ServerMessage("invalid", 0, ex.Message, null, false, false, null, 0, default);
        }
    }

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}

/// <summary>The server's own per-turn latencies from <c>turn_end</c>, in milliseconds from the end of the user's speech.</summary>
public sealed record ServerLatency(double? AsrFinal, double? LlmFirstToken, double? FirstAudio);
