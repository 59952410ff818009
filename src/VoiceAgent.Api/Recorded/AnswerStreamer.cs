using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Answers one transcribed question with the shared pipeline (LLM → splitter → TTS, via
/// <see cref="ConversationPipelineFactory.StartReply"/>) and the session's history, streaming the seed's events:
/// a chunk event per LLM text piece, <c>tts_started</c> before the first audio, <c>audio_stream</c> data, then
/// <c>audio_stream</c> finished. The turn (what was heard) is appended to the session's history before it returns.
/// </summary>
public sealed partial class AnswerStreamer(RecordedQuestionServices services, RecordedEventSink events)
{
    /// <param name="chunkEvent"><c>chat_chunk</c> or <c>vlm_chat_chunk</c>.</param>
    /// <param name="image">Sent with the question as an image part of the user message (the VLM socket).</param>
    public async Task<AnswerResult> AnswerAsync(string sessionId, string question, UploadedImage? image, string chunkEvent, CancellationToken ct)
    {
        var stored = await services.Store.GetOrCreateAsync(sessionId, SessionSettings.Default, ct);
        var conversation = new Conversation(sessionId, stored.Settings, stored.ToChatMessages(), services.Time);
        var messages = conversation.BuildRequest(question).ToList();
        if (image is not null)
        {
            messages[^1] = new ChatMessage(ChatRole.User, [new TextContent(question), new DataContent(image.Data, image.MediaType)]);
        }

        // The splitter consumes the LLM's text; the tap shows it to the client as it streams, ahead of its audio.
        var tap = Channel.CreateBounded<ReplyTextFrame>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        await using var chain = services.Pipelines.StartReply(stored.Settings.Tts, tap.Writer, ct);
        var tracker = new ReplyTracker(conversation, chain.Turns);
        var turn = chain.Turns.BeginTurn();
        conversation.BeginReply(turn, question);
        await chain.Input.WriteAsync(new ChatRequestFrame(turn, messages, conversation.ChatOptions()) { Tools = new ToolScope(sessionId, null, stored.Settings.Tools) }, ct);
        chain.CompleteInput();

        var text = new StringBuilder();
        var (segments, chunks, bytes, ttsStarted) = (0, 0, 0L, false);
        PipelineError? ttsError = null;
        Task<Frame?>? next = null;
        Task<bool>? textWait = null;
        while (true)
        {
            await SendTextAsync(tap.Reader, text, chunkEvent, ct);
            next ??= chain.Output.ReadAsync(ct).AsTask();
            if (!next.IsCompleted && !tap.Reader.Completion.IsCompleted)
            {
                textWait ??= tap.Reader.WaitToReadAsync(ct).AsTask();
                await Task.WhenAny(next, textWait);
                if (textWait.IsCompleted)
                {
                    textWait = null;
                }

                continue;
            }

            // A frame is ready: the text it was made from went into the tap before it, so that text is sent first.
            await SendTextAsync(tap.Reader, text, chunkEvent, ct);
            var frame = await next;
            next = null;
            if (frame is null)
            {
                break;
            }

            var finished = tracker.Delivered(frame);
            switch (frame)
            {
                case SentenceAudioStartedFrame:
                    segments++;
                    ttsStarted = await StartTtsAsync(ttsStarted, ct);
                    break;
                case AgentAudioFrame a:
                    ttsStarted = await StartTtsAsync(ttsStarted, ct);
                    chunks++;
                    bytes += a.Audio.Data.Length;
                    await events.SendAsync(RecordedEvents.AudioData(a.Audio.Data), ct);
                    break;
                case ErrorFrame e:
                    ttsError ??= e.Error;
                    break;
                case ReplyEndFrame e:
                    var saved = await SaveAsync(sessionId, finished, ct);
                    return await FinishAsync(e, ttsError, text.ToString(), segments, chunks, bytes, saved, ttsStarted, ct);
            }
        }

        // The chain ended without a reply end: a stage failed outright.
        var failure = new PipelineError("The answer ended unexpectedly.", "server_error");
        return await FinishAsync(new ReplyEndFrame(turn, "error", failure), ttsError, text.ToString(), segments, chunks, bytes, false, ttsStarted, ct);
    }

    private async Task<AnswerResult> FinishAsync(ReplyEndFrame end, PipelineError? ttsError, string text, int segments, int chunks, long bytes, bool saved, bool ttsStarted, CancellationToken ct)
    {
        RecordedError? error = null;
        if ((ttsError ?? end.Error) is { } failure)
        {
            error = new RecordedError(failure.Message, failure.Type);
            await events.SendAsync(error.ToEvent(), ct);
        }

        await StartTtsAsync(ttsStarted, ct);
        await events.SendAsync(RecordedEvents.AudioFinished(), ct);
        var chatOk = end.Error is null || ttsError is not null;
        return new AnswerResult(text, chatOk, chatOk && ttsError is null && chunks > 0, segments, chunks, bytes, saved, error);
    }

    private async Task SendTextAsync(ChannelReader<ReplyTextFrame> tap, StringBuilder text, string chunkEvent, CancellationToken ct)
    {
        while (tap.TryRead(out var piece))
        {
            text.Append(piece.Text);
            await events.SendAsync(RecordedEvents.ChatChunk(chunkEvent, piece.Text, text.ToString()), ct);
        }
    }

    private async Task<bool> StartTtsAsync(bool started, CancellationToken ct)
    {
        if (!started)
        {
            await events.SendAsync(RecordedEvents.TtsStarted(services.OutputSampleRate), ct);
        }

        return true;
    }

    /// <summary>Appends the finished turn to the session's history; false (and logged) when the store failed.</summary>
    private async Task<bool> SaveAsync(string sessionId, CompletedTurn? turn, CancellationToken ct)
    {
        if (turn is null)
        {
            return false;
        }

        try
        {
            await services.Store.AppendTurnAsync(sessionId, turn, ct);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(services.Logger, sessionId, ex);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recorded question of session {SessionId}: the turn could not be saved")]
    private static partial void LogSaveFailed(ILogger logger, string sessionId, Exception exception);
}
