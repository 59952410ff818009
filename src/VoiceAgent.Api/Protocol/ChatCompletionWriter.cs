using System.Text.Json;

namespace VoiceAgent.Api.Protocol;

/// <summary>Writes the non-streamed <c>chat.completion</c> object (§1 and §3): text in <c>content</c>, or the audio modality's <c>message.audio</c>.</summary>
public static class ChatCompletionWriter
{
    public static async Task WriteAsync(HttpResponse response, CompletedReply reply, CancellationToken cancellationToken)
    {
        response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(response.BodyWriter, ApiJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("id", reply.Id);
        json.WriteString("object", "chat.completion");
        json.WriteNumber("created", reply.Created);
        json.WriteString("model", reply.Model);
        json.WriteStartArray("choices");
        json.WriteStartObject();
        json.WriteNumber("index", 0);
        json.WriteStartObject("message");
        json.WriteString("role", "assistant");
        if (reply.WithAudio)
        {
            json.WriteNull("content");
            json.WriteStartObject("audio");
            json.WriteString("id", reply.AudioId);
            json.WriteBase64String("data", reply.Pcm.Span);
            json.WriteString("transcript", reply.Text);
            json.WritePropertyName("words");
            ChatChunkWriter.WriteWords(json, reply.Words);
            json.WriteNumber("expires_at", reply.Created + 3600);
            json.WriteEndObject();
        }
        else
        {
            json.WriteString("content", reply.Text);
        }

        if (reply.ToolCalls is { Count: > 0 } calls)
        {
            json.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                ChatChunkWriter.WriteToolCall(json, call, null);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteString("finish_reason", reply.FinishReason);
        json.WriteEndObject();
        json.WriteEndArray();
        ChatChunkWriter.WriteUsage(json, reply.Usage);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }
}
