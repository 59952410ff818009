using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Replies;

/// <summary>
/// The one reader of a session's pipeline output that every transport uses: it keeps the conversation's record of what
/// was heard, folds a stage's error into its reply's end, turns a chain that stops without an end into an error end,
/// saves each finished turn before the listener is told, and hands everything else to the transport's <see cref="ReplyWriter"/>.
/// </summary>
public sealed partial class ReplyConsumer(StageChain chain, ReplyWriter writer, ILogger logger, ReplyHistory? history = null)
{
    private readonly ReplyTracker? _tracker = history is null ? null : new ReplyTracker(history.Conversation, chain.Turns);
    private (TurnId Turn, PipelineError Error)? _stageError;

    /// <summary>A call: every turn, until the input ends, the listener goes, or the chain stops.</summary>
    public async Task<ReplyStreamEnd> RunCallAsync(CancellationToken cancellationToken)
    {
        while (await chain.Output.ReadAsync(cancellationToken) is { } frame)
        {
            if (frame is EndOfInputFrame)
            {
                return ReplyStreamEnd.InputEnded;
            }

            if (!await WriteAsync(frame, cancellationToken))
            {
                return ReplyStreamEnd.ListenerGone;
            }
        }

        return ReplyStreamEnd.PipelineStopped;
    }

    /// <summary>
    /// One reply (an HTTP request, a recorded question): returns its end once written, or null when the listener went.
    /// A chain that stops before the reply's end gives an error end. <paramref name="textTap"/>, when given, carries the
    /// LLM's text as it streams: each piece is written before any frame made from it.
    /// </summary>
    public async Task<ReplyEnded?> RunReplyAsync(TurnId turn, ChannelReader<ReplyTextFrame>? textTap, CancellationToken cancellationToken)
    {
        Task<Frame?>? next = null;
        Task<bool>? textWait = null;
        while (true)
        {
            if (textTap is not null)
            {
                if (!await WriteTextAsync(textTap, cancellationToken))
                {
                    return null;
                }

                next ??= chain.Output.ReadAsync(cancellationToken).AsTask();
                if (!next.IsCompleted && !textTap.Completion.IsCompleted)
                {
                    textWait ??= textTap.WaitToReadAsync(cancellationToken).AsTask();
                    await Task.WhenAny(next, textWait);
                    if (textWait.IsCompleted)
                    {
                        textWait = null;
                    }

                    continue;
                }

                // A frame is ready: the text it was made from went into the tap before it, so that text goes first.
                if (!await WriteTextAsync(textTap, cancellationToken))
                {
                    return null;
                }
            }

            var (frame, listenerGone) = next is null && writer.KeepAliveInterval is null
                ? (await chain.Output.ReadAsync(cancellationToken), false)
                : await ReadKeepingAliveAsync(next, cancellationToken);
            next = null;
            if (listenerGone)
            {
                return null;
            }

            switch (frame)
            {
                case null:
                    var failure = _stageError?.Error ?? new PipelineError("The reply ended unexpectedly.", "server_error");
                    return await EndAsync(new ReplyEndFrame(turn, "error", failure), cancellationToken);
                case ReplyEndFrame end:
                    return await EndAsync(end, cancellationToken);
                default:
                    if (!await WriteAsync(frame, cancellationToken))
                    {
                        return null;
                    }

                    break;
            }
        }
    }

    /// <summary>The next frame; while none comes for the writer's keep-alive interval (a tool running), keep-alives. ListenerGone when one was refused.</summary>
    private async Task<(Frame? Frame, bool ListenerGone)> ReadKeepingAliveAsync(Task<Frame?>? pending, CancellationToken cancellationToken)
    {
        var read = pending ?? chain.Output.ReadAsync(cancellationToken).AsTask();
        if (writer.KeepAliveInterval is not { } interval)
        {
            return (await read, false);
        }

        while (!read.IsCompleted)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var wait = Task.Delay(interval, chain.Time, idle.Token);
            if (await Task.WhenAny(read, wait) == read || wait.IsCanceled)
            {
                await idle.CancelAsync();
                break;
            }

            if (!await writer.KeepAliveAsync(cancellationToken))
            {
                return (null, true);
            }

            await writer.FlushAsync(cancellationToken);
        }

        return (await read, false);
    }

    private async ValueTask<bool> WriteAsync(Frame frame, CancellationToken cancellationToken)
    {
        var ok = frame switch
        {
            TranscriptFrame t => await writer.TranscriptAsync(t, cancellationToken),
            ReplyTextFrame t => await writer.TextAsync(t.Turn, t.Text, cancellationToken),
            SentenceAudioStartedFrame s => Track(s) && await writer.SentenceAsync(s, cancellationToken),
            SentenceWordsFrame w => await writer.SentenceWordsAsync(w, cancellationToken),
            AgentAudioFrame a => Track(a) && await writer.AudioAsync(a, cancellationToken),
            InterruptFrame i => await InterruptAsync(i, cancellationToken),
            ErrorFrame e => await StageErrorAsync(e, cancellationToken),
            ToolFrame t => await writer.ToolAsync(t, cancellationToken),
            EndCallFrame c => await writer.EndCallAsync(c, cancellationToken),
            ReplyEndFrame end => await EndAsync(end, cancellationToken) is not null,
            _ => true,
        };
        if (ok && !chain.Output.HasReady)
        {
            await writer.FlushAsync(cancellationToken);
        }

        return ok;
    }

    private bool Track(Frame frame)
    {
        _tracker?.Delivered(frame);
        return true;
    }

    private async ValueTask<bool> InterruptAsync(InterruptFrame interrupt, CancellationToken cancellationToken)
    {
        var finished = _tracker?.Delivered(interrupt);
        var ok = await writer.InterruptedAsync(interrupt.Turn, cancellationToken);
        await SaveAsync(finished, cancellationToken);
        return ok;
    }

    private ValueTask<bool> StageErrorAsync(ErrorFrame error, CancellationToken cancellationToken)
    {
        if (_stageError?.Turn != error.Turn)
        {
            _stageError = (error.Turn, error.Error);
        }

        return writer.ErrorAsync(error.Turn, error.Error, cancellationToken);
    }

    /// <summary>Saves the turn, then tells the listener it ended (so a client that asks at once finds it in the history).</summary>
    private async ValueTask<ReplyEnded?> EndAsync(ReplyEndFrame end, CancellationToken cancellationToken)
    {
        var finished = _tracker?.Delivered(end);
        var stageError = _stageError is { } s && s.Turn == end.Turn ? s.Error : null;
        _stageError = null;
        var error = stageError ?? end.Error;
        var saved = await SaveAsync(finished, cancellationToken);
        var ended = new ReplyEnded(end.Turn, error is null ? end.FinishReason : "error", error, stageError is not null, end.Usage, saved, chain.Timeline)
        {
            // The client's own tool calls go back only on a reply that did not fail.
            ToolCalls = error is null ? end.ToolCalls : null,
        };
        var ok = await writer.ReplyEndedAsync(ended, cancellationToken);
        chain.Timeline.Forget(end.Turn);
        if (ok)
        {
            await writer.FlushAsync(cancellationToken);
        }

        return ok ? ended : null;
    }

    private async ValueTask<bool> SaveAsync(CompletedTurn? turn, CancellationToken cancellationToken)
    {
        if (history is null)
        {
            return false;
        }

        // Older replies closed early whose end never came are saved first, so the stored turns keep their order.
        foreach (var evicted in history.Conversation.TakeEvicted())
        {
            await SaveOneAsync(history, evicted, cancellationToken);
        }

        return turn is not null && await SaveOneAsync(history, turn, cancellationToken);
    }

    private async ValueTask<bool> SaveOneAsync(ReplyHistory target, CompletedTurn turn, CancellationToken cancellationToken)
    {
        try
        {
            await target.Store.AppendTurnAsync(target.Conversation.SessionId, turn, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSaveFailed(logger, SessionIdFormat.ForLog(target.Conversation.SessionId), turn.TurnId, ex);
            await writer.SaveFailedAsync(new TurnId(turn.TurnId), cancellationToken);
            return false;
        }
    }

    private async ValueTask<bool> WriteTextAsync(ChannelReader<ReplyTextFrame> tap, CancellationToken cancellationToken)
    {
        while (tap.TryRead(out var piece))
        {
            if (!await writer.TextAsync(piece.Turn, piece.Text, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Session {SessionId}: turn {TurnId} could not be saved")]
    private static partial void LogSaveFailed(ILogger logger, string sessionId, long turnId, Exception exception);
}
