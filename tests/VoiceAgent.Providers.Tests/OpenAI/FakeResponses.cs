using System.Net;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Providers.Tests.OpenAI;

/// <summary>Canned and faulty answers of the fake OpenAI server.</summary>
internal static class FakeResponses
{
    public static readonly string[] DefaultTokens = ["Hello", " there", "."];

    public static Task Default(HttpListenerContext ctx, RecordedRequest request) => request.Path switch
    {
        "/v1/chat/completions" when request.BodyText.Contains("\"stream\":true", StringComparison.Ordinal) => ChatStream(DefaultTokens)(ctx, request),
        "/v1/chat/completions" => ChatJson("Hello there.", "stop")(ctx, request),
        "/v1/audio/transcriptions" => Json(200, """{"text":"hello world"}""")(ctx, request),
        "/v1/audio/speech" => Speech(Tone(24_000, 200), pieces: 4, gapMs: 10)(ctx, request),
        _ => Json(404, """{"error":{"message":"no such path","type":"invalid_request_error"}}""")(ctx, request),
    };

    public static Func<HttpListenerContext, RecordedRequest, Task> Json(int status, string body, params (string Name, string Value)[] headers) => async (ctx, _) =>
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            ctx.Response.Headers[name] = value;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        ctx.Response.ContentLength64 = bytes.Length;
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    };

    public static Func<HttpListenerContext, RecordedRequest, Task> ChatJson(string text, string finish) => Json(200, JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = finish } },
        usage = new { prompt_tokens = 7, completion_tokens = 3, total_tokens = 10 },
    }));

    /// <summary>An SSE stream of tokens, a finish chunk, a usage chunk and [DONE]; <paramref name="breakAfter"/> aborts the connection after that many tokens.</summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> ChatStream(string[] tokens, int? breakAfter = null, string finish = "stop") => async (ctx, _) =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var output = ctx.Response.OutputStream;
        await SendAsync(output, Chunk(new { role = "assistant", content = "" }, null));
        for (var i = 0; i < tokens.Length; i++)
        {
            if (i == breakAfter)
            {
                ctx.Response.Abort();
                return;
            }

            await SendAsync(output, Chunk(new { content = tokens[i] }, null));
        }

        await SendAsync(output, Chunk(new { }, finish));
        await SendAsync(output, JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1_700_000_000, model = "test-model", choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 7, completion_tokens = tokens.Length, total_tokens = 7 + tokens.Length },
        }));
        await SendAsync(output, "[DONE]");
        ctx.Response.Close();
    };

    /// <summary>
    /// A tool call streamed exactly as OpenAI does: a role chunk, a chunk with the call's id and name, the arguments in
    /// pieces, then finish_reason "tool_calls", a usage chunk and [DONE]. <paramref name="text"/> comes first when given.
    /// </summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> ToolCallStream(string callId, string name, string[] argumentPieces, string? text = null) => async (ctx, _) =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.SendChunked = true;
        var output = ctx.Response.OutputStream;
        await SendAsync(output, Chunk(new { role = "assistant", content = "" }, null));
        if (text is not null)
        {
            await SendAsync(output, Chunk(new { content = text }, null));
        }

        await SendAsync(output, Chunk(new { tool_calls = new[] { new { index = 0, id = callId, type = "function", function = new { name, arguments = "" } } } }, null));
        foreach (var piece in argumentPieces)
        {
            await SendAsync(output, Chunk(new { tool_calls = new[] { new { index = 0, function = new { arguments = piece } } } }, null));
        }

        await SendAsync(output, Chunk(new { }, "tool_calls"));
        await SendAsync(output, JsonSerializer.Serialize(new
        {
            id = "chatcmpl-1", @object = "chat.completion.chunk", created = 1_700_000_000, model = "test-model", choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 7, completion_tokens = 5, total_tokens = 12 },
        }));
        await SendAsync(output, "[DONE]");
        ctx.Response.Close();
    };

    /// <summary>The content of the last message of a chat request, and its role.</summary>
    public static (string Role, string Content) LastMessage(RecordedRequest request)
    {
        using var doc = JsonDocument.Parse(request.Body);
        var last = doc.RootElement.GetProperty("messages").EnumerateArray().Last();
        var content = last.TryGetProperty("content", out var c) ? c.ValueKind == JsonValueKind.String ? c.GetString()! : c.GetRawText() : "";
        return (last.GetProperty("role").GetString()!, content);
    }

    public static Func<HttpListenerContext, RecordedRequest, Task> Garbage(string contentType, string body) => async (ctx, _) =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        await ctx.Response.OutputStream.WriteAsync(bytes);
        ctx.Response.Close();
    };

    /// <summary>Never answers until the server stops or the client goes away.</summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> Hang(CancellationToken stopping) => async (ctx, _) =>
    {
        await Task.Delay(Timeout.Infinite, stopping);
    };

    /// <summary>PCM16 in pieces; each piece waits for <paramref name="gate"/> (when given) after the first, to prove the client streams.</summary>
    public static Func<HttpListenerContext, RecordedRequest, Task> Speech(byte[] pcm, int pieces, int gapMs, Task? gate = null) => async (ctx, _) =>
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "audio/pcm";
        ctx.Response.SendChunked = true;
        var size = (pcm.Length / pieces) | 1; // odd sizes split samples across reads on purpose
        for (var offset = 0; offset < pcm.Length; offset += size)
        {
            await ctx.Response.OutputStream.WriteAsync(pcm.AsMemory(offset, Math.Min(size, pcm.Length - offset)));
            await ctx.Response.OutputStream.FlushAsync();
            if (offset == 0 && gate is not null)
            {
                await gate;
            }

            await Task.Delay(gapMs);
        }

        ctx.Response.Close();
    };

    public static byte[] Tone(int rate, int ms)
    {
        var samples = new short[rate * ms / 1000];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / rate));
        }

        return VoiceAgent.Pipeline.Audio.Pcm16.ToBytes(samples);
    }

    private static string Chunk(object delta, string? finish) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion.chunk",
        created = 1_700_000_000,
        model = "test-model",
        choices = new[] { new { index = 0, delta, finish_reason = finish } },
    });

    private static async Task SendAsync(Stream output, string data)
    {
        await output.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
        await output.FlushAsync();
    }
}
