using System.Net.WebSockets;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Api.VoiceCall;

/// <summary>
/// Turns what a call's pipeline produces into §2 server frames: captions, sentence texts just before their audio, binary
/// audio, interrupts, errors, and <c>turn_end</c> once the turn is saved. Ends the call when the pipeline does.
/// </summary>
public sealed partial class VoiceCallSender(StageChain chain, Conversation conversation, IConversationStore store, OutgoingQueue output, PipelineMetrics metrics, CancellationToken draining, ILogger logger)
{
    private readonly ReplyTracker _tracker = new(conversation, chain.Turns);

    public async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (await chain.Output.ReadAsync(ct) is { } frame)
            {
                if (!await SendAsync(frame, ct))
                {
                    return;
                }
            }

            // The pipeline ended without an end of input: a stage failed.
            output.Close(WebSocketCloseStatus.InternalServerError, "the pipeline stopped");
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

    private async Task<bool> SendAsync(Frame frame, CancellationToken ct)
    {
        var done = _tracker.Delivered(frame);
        switch (frame)
        {
            case TranscriptFrame t when t.IsFinal ? true : t.Text.Length > 0:
                return await Text(ServerFrames.Asr(t.Turn, t.Text, t.IsFinal), ct);
            case SentenceAudioStartedFrame s:
                return await Text(ServerFrames.Text(s.Turn, s.Text.Trim()), ct);
            case AgentAudioFrame a:
                return await output.SendAsync(a.Audio.Data, WebSocketMessageType.Binary, ct);
            case InterruptFrame i:
                metrics.TurnFinished("interrupted");
                var sent = await Text(ServerFrames.Interrupt(i.Turn), ct);
                await SaveAsync(done, ct);
                return sent;
            case ErrorFrame e:
                metrics.Error(e.Error.Type);
                return await Text(ServerFrames.Error(e.Error.Code, e.Error.Message), ct);
            case ReplyEndFrame end:
                metrics.TurnFinished(end.Error is null ? "completed" : "error");
                if (end.Error is { } error && !await Text(ServerFrames.Error(error.Code, error.Message), ct))
                {
                    return false;
                }

                await SaveAsync(done, ct);
                var ok = await Text(ServerFrames.TurnEnd(end.Turn, chain.Timeline), ct);
                chain.Timeline.Forget(end.Turn);
                return ok;
            case ToolFrame tool:
                return await Text(ServerFrames.Tool(tool.Turn, tool.Name, tool.Status), ct);
            case EndCallFrame:
                // The agent's end_call: its goodbye is queued ahead of the close, which ends the call normally.
                output.Close(WebSocketCloseStatus.NormalClosure, "call ended by the agent");
                return false;
            case EndOfInputFrame:
                // Input ends because the client said is_close, or because the service is shutting down (1001).
                output.Close(draining.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, draining.IsCancellationRequested ? "service shutting down" : "call finished");
                return false;
            default:
                return true;
        }
    }

    /// <summary>Writes a finished turn to the store before the client is told the turn ended.</summary>
    private async Task SaveAsync(CompletedTurn? turn, CancellationToken ct)
    {
        if (turn is null)
        {
            return;
        }

        try
        {
            await store.AppendTurnAsync(conversation.SessionId, turn, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(logger, conversation.SessionId, turn.TurnId, ex);
            metrics.Error("store");
            output.TrySend(ServerFrames.Error(500, "This turn could not be saved to the conversation history."));
        }
    }

    private ValueTask<bool> Text(byte[] json, CancellationToken ct) => output.SendAsync(json, WebSocketMessageType.Text, ct);

    [LoggerMessage(Level = LogLevel.Error, Message = "Voice call {SessionId}: sending failed")]
    private static partial void LogPumpFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Voice call {SessionId}: turn {TurnId} could not be saved")]
    private static partial void LogSaveFailed(ILogger logger, string sessionId, long turnId, Exception exception);
}
