using System.Security.Cryptography;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
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
    PipelineMetrics metrics,
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
            metrics.SessionStarted("http");
            using var ended = new CallbackOnDispose(() => metrics.SessionEnded("http"));
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, lease!.Aborted);
            var reply = new ReplyRun(request, RandomId("chatcmpl-"), RandomId("audio_"), time.GetUtcNow().ToUnixTimeSeconds(), request.Model ?? llm.GetService<ChatClientMetadata>()?.DefaultModelId ?? o.ModelName);
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
        var writer = new ChatChunkWriter(response, reply.Id, reply.AudioId, reply.Created, reply.Model);
        var pacer = new AudioPacer(options.Value, time);
        writer.Role(reply.Request.WithAudio);
        await writer.FlushAsync(ct);

        await foreach (var item in ProduceAsync(reply, ct))
        {
            switch (item.Frame)
            {
                case ReplyTextFrame text when !reply.Request.WithAudio:
                    writer.Content(text.Text);
                    break;
                case SentenceAudioStartedFrame sentence:
                    writer.Transcript(sentence.Text, sentence.Words);
                    break;
                case AgentAudioFrame audio:
                    if (pacer.DelayFor(audio.Audio.Duration) is { } wait)
                    {
                        await writer.FlushAsync(ct);
                        await Task.Delay(wait, time, ct);
                    }

                    writer.Audio(audio.Audio.Data);
                    break;
                case ReplyEndFrame end:
                    if (end.Error is { } failure)
                    {
                        writer.Error(failure);
                    }
                    else
                    {
                        if (end.ToolCalls is { } calls)
                        {
                            writer.ToolCalls(calls);
                        }

                        writer.Finish(end.FinishReason, end.Usage);
                    }

                    writer.Done();
                    await writer.FlushAsync(ct);
                    return;
            }

            if (!item.MoreReady)
            {
                await writer.FlushAsync(ct);
            }
        }
    }

    private async Task CompleteAsync(HttpContext context, ReplyRun reply, CancellationToken ct)
    {
        var text = new System.Text.StringBuilder();
        var words = new List<WordTiming>();
        using var pcm = new MemoryStream();
        ReplyEndFrame? end = null;
        await foreach (var item in ProduceAsync(reply, ct))
        {
            switch (item.Frame)
            {
                case ReplyTextFrame t when !reply.Request.WithAudio:
                    text.Append(t.Text);
                    break;
                case SentenceAudioStartedFrame s:
                    text.Append(s.Text);
                    words.AddRange(s.Words);
                    break;
                case AgentAudioFrame a:
                    pcm.Write(a.Audio.Data.Span);
                    break;
                case ReplyEndFrame e:
                    end = e;
                    break;
            }
        }

        if (end?.Error is { } failure)
        {
            await OpenAIError.Result(503, failure.Message, failure.Type, failure.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)).ExecuteAsync(context);
            return;
        }

        var completion = new CompletedReply(reply.Id, reply.AudioId, reply.Created, reply.Model, reply.Request.WithAudio, text.ToString(), words, pcm.GetBuffer().AsMemory(0, (int)pcm.Length), end?.FinishReason ?? "stop", end?.Usage ?? EstimateUsage(reply.Request, text.ToString())) { ToolCalls = end?.ToolCalls };
        await ChatCompletionWriter.WriteAsync(context.Response, completion, ct);
    }

    /// <summary>The reply's frames, from the cache or a fresh pipeline; <c>MoreReady</c> says whether the next is already there.</summary>
    private async IAsyncEnumerable<(Frame Frame, bool MoreReady)> ProduceAsync(ReplyRun reply, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var request = reply.Request;
        var say = request.LastRole == ChatRole.Assistant;
        var key = new SynthesisKey(request.Messages[^1].Text, request.Voice ?? "", pipelines.Options.Output.OutputSampleRate, 1f);
        if (say && request.WithAudio && options.Value.SynthesisCacheBytes > 0 && cache.TryGet(key, out var cached))
        {
            foreach (var frame in Replay(cached!))
            {
                yield return (frame, true);
            }

            yield return (new ReplyEndFrame(TurnId.None, "stop"), false);
            yield break;
        }

        var voice = request.Voice is null ? null : new TtsSettings(request.Voice);
        await using var chain = pipelines.StartReply(voice, request.WithAudio, ct);
        var turn = chain.Turns.BeginTurn();
        chain.Timeline.Mark(turn, TurnMilestone.Start);
        Frame start = say ? new SayFrame(turn, request.Messages[^1].Text) : new ChatRequestFrame(turn, request.Messages, request.ToChatOptions()) { Tools = new ToolScope(null, request.Context) };
        await chain.Input.WriteAsync(start, ct);
        chain.CompleteInput();

        var recording = say && request.WithAudio && options.Value.SynthesisCacheBytes > 0 ? new List<CachedSentence>() : null;
        PipelineError? stageError = null;
        while (true)
        {
            var frame = await chain.Output.ReadAsync(ct);
            if (frame is null)
            {
                // The chain ended without a reply end: a stage failed outright.
                yield return (new ReplyEndFrame(turn, "error", stageError ?? new PipelineError("The reply ended unexpectedly.", "server_error")), false);
                yield break;
            }

            switch (frame)
            {
                case ErrorFrame e:
                    stageError ??= e.Error;
                    continue;
                case SentenceAudioStartedFrame s:
                    recording?.Add(new CachedSentence(s.Text, s.Words, new List<ReadOnlyMemory<byte>>()));
                    break;
                case AgentAudioFrame a when recording is { Count: > 0 }:
                    ((List<ReadOnlyMemory<byte>>)recording[^1].Chunks).Add(a.Audio.Data);
                    break;
                case ReplyEndFrame end:
                    if (end.Error is null && stageError is not null)
                    {
                        frame = end with { FinishReason = "error", Error = stageError };
                    }
                    else if (end.Error is null && recording is not null)
                    {
                        cache.Add(key, new CachedSynthesis(recording));
                    }

                    yield return (frame, false);
                    yield break;
            }

            yield return (frame, chain.Output.HasReady);
        }
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

    private sealed class CallbackOnDispose(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private sealed record ReplyRun(ChatCompletionRequest Request, string Id, string AudioId, long Created, string Model);
}
