using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Llm;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Recorded;

/// <summary>
/// Answers one transcribed question with the shared pipeline (LLM → splitter → TTS, via
/// <see cref="ConversationPipelineFactory.StartReply"/>) and the session's history, streaming the seed's events:
/// a chunk event per LLM text piece, <c>tts_started</c> before the first audio, <c>audio_stream</c> data, then
/// <c>audio_stream</c> finished. The turn (what was heard) is appended to the session's history before it returns.
/// </summary>
public sealed class AnswerStreamer(RecordedQuestionServices services, RecordedEventSink events)
{
    /// <param name="chunkEvent"><c>chat_chunk</c> or <c>vlm_chat_chunk</c>.</param>
    /// <param name="image">Sent with the question as an image part of the user message (the VLM socket).</param>
    public async Task<AnswerResult> AnswerAsync(string sessionId, string question, UploadedImage? image, string chunkEvent, CancellationToken ct)
    {
        var stored = await services.Store.GetOrCreateAsync(sessionId, SessionSettings.Default, ct);
        var conversation = new Conversation(sessionId, stored.Settings, stored.ToChatMessages(), services.Time) { Tenant = services.Store.Tenant.Value };
        var messages = conversation.BuildRequest(question).ToList();
        if (image is not null)
        {
            messages[^1] = new ChatMessage(ChatRole.User, [new TextContent(question), new DataContent(image.Data, image.MediaType)]);
        }

        // The splitter consumes the LLM's text; the tap shows it to the client as it streams, ahead of its audio.
        var tap = Channel.CreateBounded<ReplyTextFrame>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
        await using var chain = services.Pipelines.StartReply(stored.Settings.Tts, tap.Writer, ct);
        var turn = chain.Turns.BeginTurn();
        conversation.BeginReply(turn, question);
        await chain.Input.WriteAsync(new ChatRequestFrame(turn, messages, conversation.ChatOptions()) { Tools = new ToolScope(sessionId, null, stored.Settings.Tools, conversation.Tenant) }, ct);
        chain.CompleteInput();

        var writer = new EventWriter(events, chunkEvent, services.OutputSampleRate);
        var consumer = new ReplyConsumer(chain, writer, services.Logger, new ReplyHistory(conversation, services.Store));
        var end = await consumer.RunReplyAsync(turn, tap.Reader, ct)
            ?? throw new InvalidOperationException("The recorded event sink refused an event.");
        return await writer.FinishAsync(end, ct);
    }

    /// <summary>The seed's events for one answer, and the counts its completion event reports.</summary>
    private sealed class EventWriter(RecordedEventSink events, string chunkEvent, int sampleRate) : ReplyWriter
    {
        private readonly StringBuilder _text = new();
        private int _segments;
        private int _chunks;
        private long _bytes;
        private bool _ttsStarted;

        public override async ValueTask<bool> TextAsync(TurnId turn, string text, CancellationToken cancellationToken)
        {
            _text.Append(text);
            await events.SendAsync(RecordedEvents.ChatChunk(chunkEvent, text, _text.ToString()), cancellationToken);
            return true;
        }

        public override async ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken)
        {
            _segments++;
            await StartTtsAsync(cancellationToken);
            return true;
        }

        public override async ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken)
        {
            await StartTtsAsync(cancellationToken);
            _chunks++;
            _bytes += audio.Audio.Data.Length;
            await events.SendAsync(RecordedEvents.AudioData(audio.Audio.Data), cancellationToken);
            return true;
        }

        public override async ValueTask<bool> ToolAsync(ToolFrame tool, CancellationToken cancellationToken)
        {
            await events.SendAsync(RecordedEvents.Tool(tool.Name, tool.Status), cancellationToken);
            return true;
        }

        public async Task<AnswerResult> FinishAsync(ReplyEnded end, CancellationToken ct)
        {
            RecordedError? error = null;
            if (end.Error is { } failure)
            {
                error = new RecordedError(failure.Message, failure.Type);
                await events.SendAsync(error.ToEvent(), ct);
            }

            await StartTtsAsync(ct);
            await events.SendAsync(RecordedEvents.AudioFinished(), ct);

            // The chat succeeded unless the reply's own end failed; a speech failure leaves the text whole.
            var chatOk = end.Error is null || end.ErrorFromStage;
            var ttsOk = chatOk && !end.ErrorFromStage && _chunks > 0;
            return new AnswerResult(_text.ToString(), chatOk, ttsOk, _segments, _chunks, _bytes, end.Saved, error);
        }

        private async Task StartTtsAsync(CancellationToken ct)
        {
            if (!_ttsStarted)
            {
                _ttsStarted = true;
                await events.SendAsync(RecordedEvents.TtsStarted(sampleRate), ct);
            }
        }
    }
}
