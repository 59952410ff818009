using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Endpoints;

/// <summary>
/// Answers chat-completions requests (PROTOCOLS.md §1 and §3) with the shared pipeline: LLM → splitter → TTS, or the
/// LLM alone for text. An assistant-role last message is spoken as it is, from the synthesis cache when it repeats.
/// </summary>
public sealed partial class ChatCompletionHandler(
    ConversationPipelineFactory pipelines,
    SessionSupervisor supervisor,
    IChatClient llm,
    ITextToSpeechClient tts,
    SynthesisCache cache,
    IOptions<HttpApiOptions> options,
    ILogger<ChatCompletionHandler> logger,
    TimeProvider time)
{
    public async Task HandleAsync(HttpContext context, bool audioByDefault)
    {
        var o = options.Value;
        var ct = context.RequestAborted;
        var body = await RequestBody.ReadAsync(context.Request, o.MaxBodyBytes, ct);
        if (body is null)
        {
            await OpenAIError.Result(413, $"The request body is larger than {o.MaxBodyBytes} bytes.", "invalid_request_error", "body_too_large").ExecuteAsync(context);
            return;
        }

        if (!ChatCompletionRequest.TryParse(body, audioByDefault, out var request, out var error))
        {
            await OpenAIError.BadRequest(error).ExecuteAsync(context);
            return;
        }

        if (request!.WithAudio && request.Voice is { } voice && tts.GetService<IVoiceCatalog>() is { } catalog && !catalog.IsKnownVoice(voice))
        {
            await OpenAIError.BadRequest($"Unknown voice '{voice}'. Known voices include: {string.Join(", ", catalog.Voices.Take(20))}.", "unknown_voice").ExecuteAsync(context);
            return;
        }

        var needsLlm = request.LastRole != ChatRole.Assistant;
        if (!needsLlm && request.Messages[^1].Text.Length > pipelines.Options.Llm.MaxReplyChars)
        {
            await OpenAIError.BadRequest($"The assistant message to speak is longer than {pipelines.Options.Llm.MaxReplyChars} characters.", "text_too_long").ExecuteAsync(context);
            return;
        }

        if ((needsLlm && OpenAIEngineRegistration.IsDown(llm)) || (request.WithAudio && OpenAIEngineRegistration.IsDown(tts)))
        {
            // Fail before the stream starts when the engine is known to be down and there is no fallback to try.
            context.Response.Headers.RetryAfter = "15";
            await OpenAIError.Result(503, "A speech or language engine is unavailable; retry later.", "server_error", "engine_unavailable").ExecuteAsync(context);
            return;
        }

        if (!supervisor.TryAdmit("http", out var lease))
        {
            context.Response.Headers.RetryAfter = "1";
            await OpenAIError.Result(503, "The service is at capacity; retry shortly.", "server_error", "at_capacity").ExecuteAsync(context);
            return;
        }

        using (lease)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lease!.Aborted);
            var reply = new ReplyRun(request, RandomId("chatcmpl-"), RandomId("audio_"), time.GetUtcNow().ToUnixTimeSeconds(), request.Model ?? llm.GetService<ChatClientMetadata>()?.DefaultModelId ?? o.ModelName, ApiCaller.Of(context).Name);
            try
            {
                if (request.Stream)
                {
                    await StreamAsync(context, reply, linked.Token);
                }
                else
                {
                    await CompleteAsync(context, reply, linked.Token);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                LogClientGone(logger, reply.Id);
            }
        }
    }

    private async Task StreamAsync(HttpContext context, ReplyRun reply, CancellationToken ct)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        using var chunks = new ChatChunkWriter(response, reply.Id, reply.AudioId, reply.Created, reply.Model);
        chunks.Role(reply.Request.WithAudio);
        await chunks.FlushAsync(ct);
        var keepAlive = options.Value.KeepAliveMs > 0 ? TimeSpan.FromMilliseconds(options.Value.KeepAliveMs) : (TimeSpan?)null;
        await ProduceAsync(reply, new SseReplyWriter(chunks, new AudioPacer(options.Value, time), reply.Request.WithAudio, keepAlive, time), ct);
    }

    private async Task CompleteAsync(HttpContext context, ReplyRun reply, CancellationToken ct)
    {
        using var collected = new CompletionReplyCollector(reply.Request.WithAudio);
        var end = await ProduceAsync(reply, collected, ct);
        if (end.Error is { } failure)
        {
            await OpenAIError.Result(503, failure.Message, failure.Type, failure.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExecuteAsync(context);
            return;
        }

        var text = collected.Text;
        var completion = new CompletedReply(reply.Id, reply.AudioId, reply.Created, reply.Model, reply.Request.WithAudio, text, collected.Words, collected.Audio, end.FinishReason, end.Usage ?? EstimateUsage(reply.Request, text)) { ToolCalls = end.ToolCalls };
        await ChatCompletionWriter.WriteAsync(context.Response, completion, ct);
    }

    /// <summary>Writes the reply, from the synthesis cache or a fresh pipeline, into <paramref name="writer"/>; returns how it ended.</summary>
    private async Task<ReplyEnded> ProduceAsync(ReplyRun reply, ReplyWriter writer, CancellationToken ct)
    {
        var request = reply.Request;
        var say = request.LastRole == ChatRole.Assistant;
        var cacheable = say && request.WithAudio && options.Value.SynthesisCacheBytes > 0;
        var key = new SynthesisKey(request.Messages[^1].Text, request.Voice ?? "", pipelines.Options.Output.OutputSampleRate, 1f);
        if (cacheable && cache.TryGet(key, out var cached))
        {
            return await ReplayAsync(cached!, writer, ct);
        }

        var voice = request.Voice is null ? null : new TtsSettings(request.Voice);
        await using var chain = pipelines.StartReply(voice, request.WithAudio, ct);
        var turn = chain.Turns.BeginTurn();
        chain.Timeline.Mark(turn, TurnMilestone.Start);
        Frame start = say ? new SayFrame(turn, request.Messages[^1].Text) : new ChatRequestFrame(turn, request.Messages, request.ToChatOptions()) { Tools = new ToolScope(null, request.Context, Tenant: reply.Tenant) };
        await chain.Input.WriteAsync(start, ct);
        chain.CompleteInput();

        var consumer = new ReplyConsumer(chain, cacheable ? new CachingReplyWriter(writer, cache, key) : writer, logger);
        return await consumer.RunReplyAsync(turn, null, ct) ?? throw new InvalidOperationException("The response writer refused the reply.");
    }

    private async Task<ReplyEnded> ReplayAsync(CachedSynthesis cached, ReplyWriter writer, CancellationToken ct)
    {
        foreach (var frame in Replay(cached))
        {
            _ = frame is SentenceAudioStartedFrame s ? await writer.SentenceAsync(s, ct) : await writer.AudioAsync((AgentAudioFrame)frame, ct);
        }

        var end = new ReplyEnded(TurnId.None, "stop", null, false, null, false, new TurnTimeline(time));
        await writer.ReplyEndedAsync(end, ct);
        await writer.FlushAsync(ct);
        return end;
    }

    private IEnumerable<Frame> Replay(CachedSynthesis cached)
    {
        var format = pipelines.Options.Output.OutputFormat;
        var offset = TimeSpan.Zero;
        foreach (var s in cached.Sentences)
        {
            yield return new SentenceAudioStartedFrame(TurnId.None, s.Text, s.Words, offset);
            foreach (var c in s.Chunks)
            {
                offset += format.DurationOf(c.Length);
                yield return new AgentAudioFrame(TurnId.None, new Pipeline.Audio.AudioChunk(c, format));
            }
        }
    }

    private static UsageDetails EstimateUsage(ChatCompletionRequest request, string reply)
    {
        // No engine reported usage: a rough count (about four characters a token) is more useful than zeros.
        var input = request.Messages.Sum(m => m.Text.Length) / 4 + 1;
        var output = reply.Length / 4 + 1;
        return new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output };
    }

    private static string RandomId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    [LoggerMessage(Level = LogLevel.Information, Message = "Client went away during {ReplyId}; its work was cancelled")]
    private static partial void LogClientGone(ILogger logger, string replyId);

    private sealed record ReplyRun(ChatCompletionRequest Request, string Id, string AudioId, long Created, string Model, string Tenant);
}
