using System.Net.WebSockets;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// Writes a call's replies as §2 server frames: captions, sentence texts just before their audio, binary audio,
/// interrupts, errors, and <c>turn_end</c> once the turn is saved (the <see cref="ReplyConsumer"/> saves it). Ends the
/// call when the pipeline does.
/// </summary>
public sealed partial class VoiceCallSender(StageChain chain, Conversation conversation, IConversationStore store, OutgoingQueue output, PipelineMetrics metrics, ILogger logger, CancellationToken draining)
    : ReplyWriter
{
    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            var consumer = new ReplyConsumer(chain, this, logger, new ReplyHistory(conversation, store));
            switch (await consumer.RunCallAsync(ct))
            {
                case ReplyStreamEnd.InputEnded:
                    // Input ends because the client said is_close, or because the service is shutting down (1001).
                    output.Close(
                        draining.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure,
                        draining.IsCancellationRequested ? "service shutting down" : "call finished");
                    break;
                case ReplyStreamEnd.PipelineStopped:
                    output.Close(WebSocketCloseStatus.InternalServerError, "the pipeline stopped");
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogPumpFailed(logger, conversation.SessionId, ex);
            output.TrySend(ServerFrames.Error(500, "Internal error; the call ends.", fatal: true));
            output.Close(WebSocketCloseStatus.InternalServerError, "internal error");
        }
    }

    public override ValueTask<bool> TranscriptAsync(TranscriptFrame transcript, CancellationToken cancellationToken) =>
        transcript.IsFinal || transcript.Text.Length > 0 ? Text(ServerFrames.Asr(transcript.Turn, transcript.Text, transcript.IsFinal), cancellationToken) : ValueTask.FromResult(true);

    public override ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken) =>
        Text(ServerFrames.Text(sentence.Turn, sentence.Text.Trim()), cancellationToken);

    public override ValueTask<bool> AudioAsync(AgentAudioFrame audio, CancellationToken cancellationToken) =>
        output.SendAsync(audio.Audio.Data, WebSocketMessageType.Binary, cancellationToken);

    public override ValueTask<bool> InterruptedAsync(TurnId turn, CancellationToken cancellationToken)
    {
        metrics.TurnFinished("interrupted");
        return Text(ServerFrames.Interrupt(turn), cancellationToken);
    }

    public override ValueTask<bool> ErrorAsync(TurnId turn, PipelineError error, CancellationToken cancellationToken)
    {
        metrics.Error(error.Type);
        return Text(ServerFrames.Error(error.Code, error.Message), cancellationToken);
    }

    public override ValueTask<bool> SaveFailedAsync(TurnId turn, CancellationToken cancellationToken)
    {
        metrics.Error("store");
        output.TrySend(ServerFrames.Error(500, "This turn could not be saved to the conversation history."));
        return ValueTask.FromResult(true);
    }

    public override async ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken)
    {
        metrics.TurnFinished(end.Error is null ? "completed" : "error");

        // A stage's error went out when it happened; the reply's own (the LLM's) is told now.
        if (end.Error is { } error && !end.ErrorFromStage && !await Text(ServerFrames.Error(error.Code, error.Message), cancellationToken))
        {
            return false;
        }

        return await Text(ServerFrames.TurnEnd(end.Turn, end.Timeline), cancellationToken);
    }

    public override ValueTask<bool> ToolAsync(ToolFrame tool, CancellationToken cancellationToken) =>
        Text(ServerFrames.Tool(tool.Turn, tool.Name, tool.Status), cancellationToken);

    public override ValueTask<bool> EndCallAsync(EndCallFrame endCall, CancellationToken cancellationToken)
    {
        // The agent's end_call: its goodbye is queued ahead of the close, which ends the call normally.
        output.Close(WebSocketCloseStatus.NormalClosure, "call ended by the agent");
        return ValueTask.FromResult(false);
    }

    private ValueTask<bool> Text(byte[] json, CancellationToken ct) => output.SendAsync(json, WebSocketMessageType.Text, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Voice call {SessionId}: sending failed")]
    private static partial void LogPumpFailed(ILogger logger, string sessionId, Exception exception);
}
