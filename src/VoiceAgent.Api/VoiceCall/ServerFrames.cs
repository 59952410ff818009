using System.Buffers;
using System.Text.Json;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>The server's JSON frames of §2: always <c>{"type","code","msg"}</c> plus the fields of each type.</summary>
public static class ServerFrames
{
    public static byte[] Session(string sessionId, int sampleRate) => Write("session", 200, "ok", w =>
    {
        w.WriteString("session_id", sessionId);
        w.WriteNumber("sample_rate", sampleRate);
        w.WriteString("encoding", "raw");
    });

    public static byte[] Asr(TurnId turn, string text, bool final) => Write("asr", 200, text, w =>
    {
        w.WriteBoolean("final", final);
        w.WriteNumber("turn_id", turn.Value);
    });

    public static byte[] Text(TurnId turn, string text) => Write("text", 200, text, w => w.WriteNumber("turn_id", turn.Value));

    public static byte[] Interrupt(TurnId turn) => Write("interrupt", 200, "interrupted", w => w.WriteNumber("turn_id", turn.Value));

    public static byte[] TurnEnd(TurnId turn, TurnTimeline timeline) => Write("turn_end", 200, "ok", w =>
    {
        w.WriteNumber("turn_id", turn.Value);
        w.WriteStartObject("latency_ms");
        Latency(w, "asr_final", timeline.Latency(turn, TurnMilestone.AsrFinal));
        Latency(w, "llm_first_token", timeline.Latency(turn, TurnMilestone.LlmFirstToken));
        Latency(w, "first_audio", timeline.Latency(turn, TurnMilestone.FirstAudio));
        if (timeline.ToolTime(turn) is { } tools)
        {
            Latency(w, "tools", tools);
        }

        w.WriteEndObject();
    });

    /// <summary>A server-side tool call started, finished or failed (the README's protocol extension).</summary>
    public static byte[] Tool(TurnId turn, string name, string status) => Write("tool", 200, status, w =>
    {
        w.WriteNumber("turn_id", turn.Value);
        w.WriteString("name", name);
        w.WriteString("status", status);
    });

    public static byte[] Error(int code, string message, bool fatal = false) => Write("error", code, message, w =>
    {
        if (fatal)
        {
            w.WriteBoolean("fatal", true);
        }
    });

    private static void Latency(Utf8JsonWriter w, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, Math.Round(v.TotalMilliseconds, 1));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static byte[] Write(string type, int code, string msg, Action<Utf8JsonWriter> extra)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var w = new Utf8JsonWriter(buffer, ApiJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WriteNumber("code", code);
            w.WriteString("msg", msg);
            extra(w);
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
