using System.Buffers;
using System.Text.Json;
using VoiceAgent.Api.Protocol;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// The seed's server events: one JSON object whose only key is the event name, e.g.
/// <c>{"packet_ack":{"seq":1,"received":1,"total":10}}</c>.
/// </summary>
public static class RecordedEvents
{
    public static byte[] Connected(string message, string sessionId, int sampleRate) => Write("connected", w =>
    {
        w.WriteString("message", message);
        w.WriteString("session_id", sessionId);
        w.WriteNumber("sample_rate", sampleRate);
        w.WriteString("audio_format", "pcm16");
    });

    /// <summary><paramref name="type"/> is set on the VLM socket only; <paramref name="duplicate"/> marks a packet already held.</summary>
    public static byte[] PacketAck(int seq, int received, int total, string? type = null, bool duplicate = false) => Write("packet_ack", w =>
    {
        w.WriteNumber("seq", seq);
        if (type is not null)
        {
            w.WriteString("type", type);
        }

        w.WriteNumber("received", received);
        w.WriteNumber("total", total);
        if (duplicate)
        {
            w.WriteBoolean("duplicate", true);
        }
    });

    public static byte[] TranscriptionStarted(string? fileName) => Write("transcription_started", w =>
    {
        w.WriteString("message", "Speech recognition started.");
        if (fileName is not null)
        {
            w.WriteString("filename", fileName);
        }
    });

    /// <summary><c>chat_started</c> or <c>vlm_chat_started</c> with the transcript.</summary>
    public static byte[] ChatStarted(string name, string userMessage, string? imageFile = null) => Write(name, w =>
    {
        w.WriteString("message", "Generating the answer.");
        w.WriteString("user_message", userMessage);
        if (imageFile is not null)
        {
            w.WriteString("image_file", imageFile);
        }
    });

    /// <summary>The seed's "empty transcript" warning: a <c>chat_started</c> without <c>user_message</c>.</summary>
    public static byte[] ChatSkipped(string name) => Write(name, w =>
    {
        w.WriteString("message", "Skipped answering: speech recognition failed or heard nothing.");
        w.WriteBoolean("skipped", true);
    });

    public static byte[] ChatChunk(string name, string chunk, string fullResponse) => Write(name, w =>
    {
        w.WriteString("chunk", chunk);
        w.WriteString("full_response", fullResponse);
    });

    public static byte[] TtsStarted(int sampleRate) => Write("tts_started", w =>
    {
        w.WriteString("message", "Speech synthesis started.");
        w.WriteString("audio_format", "pcm16");
        w.WriteNumber("sample_rate", sampleRate);
    });

    public static byte[] AudioData(ReadOnlyMemory<byte> pcm) => Write("audio_stream", w =>
    {
        w.WriteString("event", "data");
        w.WriteBase64String("data", pcm.Span);
    });

    /// <summary>A server-side tool call of the answer: <c>{"tool":{"name":…,"status":"started|done|failed"}}</c>, as on the voice call.</summary>
    public static byte[] Tool(string name, string status) => Write("tool", w =>
    {
        w.WriteString("name", name);
        w.WriteString("status", status);
    });

    public static byte[] AudioFinished() => Write("audio_stream", w => w.WriteString("event", "finished"));

    /// <summary>An error; <paramref name="code"/> says which kind, and <paramref name="extra"/> adds fields such as <c>seq</c> or <c>missing</c>.</summary>
    public static byte[] Error(string message, string code, Action<Utf8JsonWriter>? extra = null) => Write("error", w =>
    {
        w.WriteString("message", message);
        w.WriteString("code", code);
        extra?.Invoke(w);
    });

    public static byte[] Write(string name, Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, ApiJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject(name);
            body(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
