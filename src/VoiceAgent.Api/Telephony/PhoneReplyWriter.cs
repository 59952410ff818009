using System.Globalization;
using System.Net.WebSockets;
using VoiceAgent.Api.VoiceCall;
using VoiceAgent.Pipeline.Frames;
using VoiceAgent.Pipeline.Replies;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Writes a phone call's replies in the carrier's protocol: agent audio coded and paced, a mark after each sentence
/// (named <c>turn.sentence</c>, so its echo tells the conversation how much the caller heard), a clear on a confirmed
/// interruption, and the agent's end of the call once its goodbye has played.
/// </summary>
public sealed partial class PhoneReplyWriter(
    CarrierSerializer carrier,
    OutgoingQueue output,
    PhoneAudioOut audio,
    PhonePacer pacer,
    Conversation conversation,
    PipelineMetrics metrics,
    TimeProvider time,
    ILogger logger) : ReplyWriter
{
    /// <summary>The mark sent after the agent's goodbye: the call closes when it comes back.</summary>
    public const string HangupMark = "hangup";

    private readonly TaskCompletionSource _hangupPlayed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // The media messages coded from one frame of agent audio, waiting to be paced out; reused for every frame.
    private readonly List<(OutboundMessage Message, TimeSpan Duration)> _ready = [];
    private Action<ReadOnlyMemory<byte>>? _collect;
    private TurnId _turn = TurnId.None;
    private int _sentences;
    private bool _sentenceOpen;

    /// <summary>How long the goodbye may take to play before the call is closed anyway.</summary>
    public TimeSpan HangupGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A mark came back from the carrier (the connection's receive side calls this).</summary>
    public void MarkReached(string name)
    {
        if (name == HangupMark)
        {
            _hangupPlayed.TrySetResult();
            return;
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0
            && long.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var turn)
            && int.TryParse(name.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sentence))
        {
            // A mark echoed after a clear was dropped, not played; its turn is closed by then, so this is a no-op.
            conversation.SentencesPlayed(new TurnId(turn), sentence);
        }
    }

    public override async ValueTask<bool> SentenceAsync(SentenceAudioStartedFrame sentence, CancellationToken cancellationToken)
    {
        if (sentence.Turn != _turn)
        {
            _turn = sentence.Turn;
            _sentences = 0;
            _sentenceOpen = false;
        }

        if (!await EndSentenceAsync(endOfReply: false, cancellationToken))
        {
            return false;
        }

        _sentences++;
        _sentenceOpen = true;
        return true;
    }

    public override ValueTask<bool> AudioAsync(AgentAudioFrame frame, CancellationToken cancellationToken)
    {
        var pcm = frame.Audio;
        audio.Write(pcm.Data.Span, pcm.Format.SampleRate, Collect);
        return SendReadyAsync(cancellationToken);
    }

    public override async ValueTask<bool> InterruptedAsync(TurnId turn, CancellationToken cancellationToken)
    {
        metrics.TurnFinished("interrupted");
        audio.Reset();
        pacer.Reset();
        _sentenceOpen = false;
        return await SendAsync(carrier.Clear(), cancellationToken);
    }

    public override ValueTask<bool> ErrorAsync(TurnId turn, PipelineError error, CancellationToken cancellationToken)
    {
        // A carrier has no error message for the caller: the reply's spoken failure is what they hear.
        metrics.Error(error.Type);
        LogPipelineError(logger, SessionIdFormat.ForLog(conversation.SessionId), error.Message);
        return ValueTask.FromResult(true);
    }

    public override ValueTask<bool> SaveFailedAsync(TurnId turn, CancellationToken cancellationToken)
    {
        metrics.Error("store");
        return ValueTask.FromResult(true);
    }

    public override async ValueTask<bool> ReplyEndedAsync(ReplyEnded end, CancellationToken cancellationToken)
    {
        metrics.TurnFinished(end.Error is null ? "completed" : "error");
        if (end.Turn == _turn)
        {
            return await EndSentenceAsync(endOfReply: true, cancellationToken);
        }

        return true;
    }

    public override async ValueTask<bool> EndCallAsync(EndCallFrame endCall, CancellationToken cancellationToken)
    {
        // The goodbye is at the carrier; a mark after it says when it has played, then the stream closes (the call ends).
        if (await SendAsync(carrier.Mark(HangupMark), cancellationToken))
        {
            var wait = pacer.Buffered + HangupGrace;
            await _hangupPlayed.Task.WaitAsync(wait, time, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        output.Close(WebSocketCloseStatus.NormalClosure, "call ended by the agent");
        return false;
    }

    /// <summary>Sends the open sentence's last audio and its mark.</summary>
    private async ValueTask<bool> EndSentenceAsync(bool endOfReply, CancellationToken cancellationToken)
    {
        audio.Flush(endOfReply, Collect);
        if (!await SendReadyAsync(cancellationToken))
        {
            return false;
        }

        if (!_sentenceOpen)
        {
            return true;
        }

        _sentenceOpen = false;
        return await SendAsync(carrier.Mark(string.Create(CultureInfo.InvariantCulture, $"{_turn.Value}.{_sentences}")), cancellationToken);
    }

    /// <summary>Each message of coded audio becomes its carrier message at once: the audio's buffer is reused after this call.</summary>
    private Action<ReadOnlyMemory<byte>> Collect => _collect ??= coded => _ready.Add((
        carrier.Media(coded.Span),
        TimeSpan.FromSeconds((double)coded.Length / carrier.Format.BytesPerSample / carrier.Format.SampleRate)));

    /// <summary>Sends the collected media messages, paced; the queue owns each one it is given, the rest go back to the pool.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))] // every 40 ms of every reply
    private async ValueTask<bool> SendReadyAsync(CancellationToken cancellationToken)
    {
        var next = 0;
        try
        {
            while (next < _ready.Count)
            {
                var (message, duration) = _ready[next];
                var wait = pacer.Send(duration);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                next++; // the queue owns it from here, sent or not
                if (!await SendAsync(message, cancellationToken))
                {
                    return false;
                }
            }

            return true;
        }
        finally
        {
            for (var i = next; i < _ready.Count; i++)
            {
                if (_ready[i].Message.Pooled is { } unsent)
                {
                    Pipeline.Audio.AudioPool.Return(unsent);
                }
            }

            _ready.Clear();
        }
    }

    private ValueTask<bool> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        output.SendAsync(message.Data, message.Type, message.Pooled, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Phone call {SessionId}: {Error}")]
    private static partial void LogPipelineError(ILogger logger, string sessionId, string error);
}
