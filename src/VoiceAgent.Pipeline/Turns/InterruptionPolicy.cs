using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Turns;

/// <summary>
/// Decides whether speech over the agent interrupts it. The VAD stage reports the overlap and its speech time; the
/// recogniser's partials and final arrive through <see cref="UserTranscript"/>. The overlap is confirmed (the agent's
/// turn is cancelled, an interrupt sent) once it has <see cref="InterruptionOptions.MinInterruptionMs"/> of speech and
/// <see cref="InterruptionOptions.MinInterruptionWords"/> real words (in a partial, not counting its last word, which the
/// recogniser is still revising); its final transcript settles it either way; and if
/// nothing is confirmed within <see cref="InterruptionOptions.FalseInterruptionTimeoutMs"/> the reply resumes.
/// One per call.
/// </summary>
public sealed partial class InterruptionPolicy : IDisposable
{
    private readonly Lock _gate = new();
    private readonly InterruptionOptions _options;
    private readonly TurnManager _turns;
    private readonly UserTranscript _transcript;
    private readonly TimeProvider _time;
    private readonly TurnTimeline? _timeline;
    private readonly ILogger _logger;
    private TurnId _overlap = TurnId.None;
    private TimeSpan _speech;
    private ITimer? _resumeTimer;

    public InterruptionPolicy(InterruptionOptions options, TurnManager turns, UserTranscript transcript, TimeProvider? time = null, TurnTimeline? timeline = null, ILogger? logger = null)
    {
        _options = options;
        _turns = turns;
        _transcript = transcript;
        _time = time ?? TimeProvider.System;
        _timeline = timeline;
        _logger = logger ?? NullLogger.Instance;
        transcript.Published += OnTranscript;
    }

    public bool Enabled => _options.Enabled;

    /// <summary>The user started speaking while the agent is active: pause the agent and open the overlap; returns its turn id.</summary>
    public TurnId BeginOverlap()
    {
        var overlap = _turns.BeginOverlap();
        lock (_gate)
        {
            _resumeTimer?.Dispose();
            _overlap = overlap;
            _speech = TimeSpan.Zero;
            _resumeTimer = _time.CreateTimer(_ => TimedOut(overlap), null, TimeSpan.FromMilliseconds(_options.FalseInterruptionTimeoutMs), Timeout.InfiniteTimeSpan);
        }

        LogPaused(_logger, overlap.Value);
        return overlap;
    }

    /// <summary>Speech heard so far in <paramref name="overlap"/>, reported on each of its frames; true once it interrupts.</summary>
    public bool SpeechProgress(TurnId overlap, TimeSpan speech)
    {
        lock (_gate)
        {
            if (overlap != _overlap)
            {
                return false;
            }

            _speech = speech;
        }

        return TryConfirm(overlap, _transcript.For(overlap));
    }

    public void Dispose()
    {
        _transcript.Published -= OnTranscript;
        lock (_gate)
        {
            _resumeTimer?.Dispose();
            _resumeTimer = null;
        }
    }

    /// <summary>Whether speech of this length with these words interrupts (<paramref name="final"/>: nothing more will be heard).</summary>
    internal bool Interrupts(TimeSpan speech, string? words, bool final)
    {
        if (speech < TimeSpan.FromMilliseconds(_options.MinInterruptionMs))
        {
            return false;
        }

        // A recogniser without partials cannot count words while the user speaks: then time alone decides, as barge-in always did.
        if (_options.MinInterruptionWords == 0 || (!final && !_transcript.PartialsSeen))
        {
            return true;
        }

        // A partial's last word is still being revised; it counts once the final settles it.
        return UtteranceText.RealWords(final ? words : UtteranceText.SettledPart(words)) >= _options.MinInterruptionWords;
    }

    private void OnTranscript(TranscriptSnapshot snapshot)
    {
        TimeSpan speech;
        lock (_gate)
        {
            if (snapshot.Turn != _overlap)
            {
                return;
            }

            speech = _speech;
        }

        if (TryConfirm(snapshot.Turn, snapshot))
        {
            return;
        }

        if (snapshot.IsFinal)
        {
            // The overlap is over and did not interrupt: a backchannel or a noise. It never becomes a turn.
            bool dropped;
            lock (_gate)
            {
                if (snapshot.Turn != _overlap)
                {
                    return;
                }

                _overlap = TurnId.None;
                _resumeTimer?.Dispose();
                _resumeTimer = null;
                dropped = _turns.DropOverlap(snapshot.Turn);
            }

            if (dropped)
            {
                _timeline?.Forget(snapshot.Turn);
                LogDropped(_logger, snapshot.Turn.Value, (int)speech.TotalMilliseconds);
            }
        }
    }

    private bool TryConfirm(TurnId overlap, TranscriptSnapshot? words)
    {
        // Decided and applied under one lock: the recogniser's thread publishes the final and then sends its frame on,
        // so by the time any stage sees that frame, the overlap is either the current turn or dropped.
        lock (_gate)
        {
            if (overlap != _overlap || !Interrupts(_speech, words?.Text, words?.IsFinal ?? false))
            {
                return false;
            }

            _overlap = TurnId.None;
            _resumeTimer?.Dispose();
            _resumeTimer = null;
            if (!_turns.ConfirmOverlap(overlap))
            {
                return false;
            }
        }

        LogConfirmed(_logger, overlap.Value);
        return true;
    }

    private void TimedOut(TurnId overlap)
    {
        lock (_gate)
        {
            if (overlap != _overlap)
            {
                return;
            }
        }

        // Still undecided (the user keeps making sounds without words): the reply goes on; words heard later can still interrupt it.
        _turns.ResumeOutput();
        LogResumed(_logger, overlap.Value);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}): output paused")]
    private static partial void LogPaused(ILogger logger, long turn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}) interrupts it")]
    private static partial void LogConfirmed(ILogger logger, long turn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}, {SpeechMs} ms of speech) was not an interruption: the reply resumes")]
    private static partial void LogDropped(ILogger logger, long turn, int speechMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}) undecided after the timeout: the reply resumes")]
    private static partial void LogResumed(ILogger logger, long turn);
}
