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

    public override async ValueTask<bool> AudioAsync(AgentAudioFrame frame, CancellationToken cancellationToken)
    {
        var ok = true;
        var pcm = frame.Audio;
        List<ReadOnlyMemory<byte>>? messages = null;
        audio.Write(pcm.Data.Span, pcm.Format.SampleRate, m => (messages ??= []).Add(m));
        foreach (var m in messages ?? [])
        {
            ok = ok && await SendAudioAsync(m, cancellationToken);
        }

        return ok;
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
        List<ReadOnlyMemory<byte>>? rest = null;
        audio.Flush(endOfReply, m => (rest ??= []).Add(m));
        foreach (var m in rest ?? [])
        {
            if (!await SendAudioAsync(m, cancellationToken))
            {
                return false;
            }
        }

        if (!_sentenceOpen)
        {
            return true;
        }

        _sentenceOpen = false;
        return await SendAsync(carrier.Mark(string.Create(CultureInfo.InvariantCulture, $"{_turn.Value}.{_sentences}")), cancellationToken);
    }

    private async ValueTask<bool> SendAudioAsync(ReadOnlyMemory<byte> coded, CancellationToken cancellationToken)
    {
        var duration = TimeSpan.FromSeconds((double)coded.Length / carrier.Format.BytesPerSample / carrier.Format.SampleRate);
        var wait = pacer.Send(duration);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken);
        }

        return await SendAsync(carrier.Media(coded.Span), cancellationToken);
    }

    private ValueTask<bool> SendAsync(OutboundMessage message, CancellationToken cancellationToken) =>
        output.SendAsync(message.Data, message.Type, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Phone call {SessionId}: {Error}")]
    private static partial void LogPipelineError(ILogger logger, string sessionId, string error);
}
