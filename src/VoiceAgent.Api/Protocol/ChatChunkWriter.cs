using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Protocol;

/// <summary>
/// Writes <c>chat.completion.chunk</c> server-sent events straight into the response's pipe: one id and one audio id per
/// response, transcripts with word timings, base64 PCM, finish, error and <c>[DONE]</c>. Call <see cref="FlushAsync"/> to send.
/// </summary>
public sealed class ChatChunkWriter(HttpResponse response, string id, string audioId, long created, string model) : IDisposable
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    // An SSE comment (a line starting with a colon): parsers skip it, so it is the one keep-alive every client accepts.
    private static readonly byte[] KeepAliveComment = ": keep-alive\n\n"u8.ToArray();

    private readonly Utf8JsonWriter _json = new(response.BodyWriter, ApiJson.WriterOptions);

    public void Role(bool withAudio) => Chunk(d =>
    {
        d.WriteString("role", "assistant");
        if (withAudio)
        {
            d.WriteStartObject("audio");
            d.WriteString("id", audioId);
            d.WriteString("data", "");
            d.WriteEndObject();
        }
        else
        {
            d.WriteString("content", "");
        }
    });

    public void Transcript(string text, IReadOnlyList<WordTiming> words) => Chunk(d =>
    {
        d.WriteStartObject("audio");
        d.WriteString("id", audioId);
        d.WriteString("transcript", text);
        d.WritePropertyName("words");
        WriteWords(d, words);
        d.WriteEndObject();
    });

    /// <summary>An audio chunk; <paramref name="words"/> are words of the current sentence that start in it (timed late by a remote engine).</summary>
    public void Audio(ReadOnlyMemory<byte> pcm, IReadOnlyList<WordTiming>? words = null) => Chunk(d =>
    {
        d.WriteStartObject("audio");
        d.WriteString("id", audioId);
        d.WriteBase64String("data", pcm.Span);
        if (words is { Count: > 0 })
        {
            d.WritePropertyName("words");
            WriteWords(d, words);
        }

        d.WriteEndObject();
    });

    public void Content(string text) => Chunk(d => d.WriteString("content", text));

    /// <summary>The client's tool calls in the standard delta form, one chunk per call (id, name and its whole arguments).</summary>
    public void ToolCalls(IReadOnlyList<FunctionCallContent> calls)
    {
        for (var i = 0; i < calls.Count; i++)
        {
            var (call, index) = (calls[i], i);
            Chunk(d =>
            {
                d.WriteStartArray("tool_calls");
                WriteToolCall(d, call, index);
                d.WriteEndArray();
            });
        }
    }

    /// <summary>One <c>{"index"?,"id","type":"function","function":{"name","arguments"}}</c>; <paramref name="index"/> only in deltas.</summary>
    public static void WriteToolCall(Utf8JsonWriter w, FunctionCallContent call, int? index)
    {
        w.WriteStartObject();
        if (index is { } i)
        {
            w.WriteNumber("index", i);
        }

        w.WriteString("id", call.CallId);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        w.WriteString("arguments", JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions));
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public void Finish(string reason, UsageDetails? usage) => Chunk(_ => { }, reason, usage);

    public void Error(PipelineError error)
    {
        response.BodyWriter.Write(DataPrefix);
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteStartObject("error");
        _json.WriteString("message", error.Message);
        _json.WriteString("type", error.Type);
        _json.WriteString("code", error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        response.BodyWriter.Write(EventEnd);
    }

    public void Done() => response.BodyWriter.Write(DoneEvent);

    /// <summary>An SSE comment line that keeps an idle stream open; no client sees it as data.</summary>
    public void KeepAlive() => response.BodyWriter.Write(KeepAliveComment);

    public async ValueTask FlushAsync(CancellationToken cancellationToken) => await response.BodyWriter.FlushAsync(cancellationToken);

    /// <summary>Writes <c>[{"text","start_ts","end_ts","duration"}]</c> in whole milliseconds.</summary>
    public static void WriteWords(Utf8JsonWriter d, IReadOnlyList<WordTiming> words)
    {
        d.WriteStartArray();
        foreach (var w in words)
        {
            var start = (long)Math.Round(w.Start.TotalMilliseconds);
            var end = (long)Math.Round(w.End.TotalMilliseconds);
            d.WriteStartObject();
            d.WriteString("text", w.Text);
            d.WriteNumber("start_ts", start);
            d.WriteNumber("end_ts", end);
            d.WriteNumber("duration", end - start);
            d.WriteEndObject();
        }

        d.WriteEndArray();
    }

    private void Chunk(Action<Utf8JsonWriter> delta, string? finishReason = null, UsageDetails? usage = null)
    {
        response.BodyWriter.Write(DataPrefix);
        _json.Reset();
        _json.WriteStartObject();
        _json.WriteString("id", id);
        _json.WriteString("object", "chat.completion.chunk");
        _json.WriteNumber("created", created);
        _json.WriteString("model", model);
        _json.WriteStartArray("choices");
        _json.WriteStartObject();
        _json.WriteNumber("index", 0);
        _json.WriteStartObject("delta");
        delta(_json);
        _json.WriteEndObject();
        if (finishReason is null)
        {
            _json.WriteNull("finish_reason");
        }
        else
        {
            _json.WriteString("finish_reason", finishReason);
        }

        _json.WriteEndObject();
        _json.WriteEndArray();
        if (usage is not null)
        {
            WriteUsage(_json, usage);
        }

        _json.WriteEndObject();
        _json.Flush();
        response.BodyWriter.Write(EventEnd);
    }

    public static void WriteUsage(Utf8JsonWriter w, UsageDetails usage)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", usage.InputTokenCount ?? 0);
        w.WriteNumber("completion_tokens", usage.OutputTokenCount ?? 0);
        w.WriteNumber("total_tokens", usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0)));
        w.WriteEndObject();
    }

    public void Dispose() => _json.Dispose();
}
