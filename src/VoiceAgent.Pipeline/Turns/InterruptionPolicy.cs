using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Turns.Detection;

namespace VoiceAgent.Pipeline.Turns;

/// <summary>
/// Decides whether speech over the agent interrupts it. The VAD stage reports the overlap and its speech time; the
/// recogniser's partials and final arrive through <see cref="UserTranscript"/>. The overlap is confirmed (the agent's
/// turn is cancelled, an interrupt sent) once it has <see cref="InterruptionOptions.MinInterruptionMs"/> of speech and
/// <see cref="InterruptionOptions.MinInterruptionWords"/> real words (in a partial, only words the partial before it
/// already had, and never its last word, which the recogniser is still revising); its final transcript settles it either way; and if
/// nothing is confirmed within <see cref="InterruptionOptions.FalseInterruptionTimeoutMs"/> the reply resumes.
/// One per call.
/// </summary>
/// <remarks>
/// The timeout runs from the start of the overlap, and again from the end of its speech: a user still talking with words
/// in the partials keeps the agent paused (resuming over someone who is saying something is the worst outcome), and the
/// recogniser gets the whole timeout after the speech to deliver its final. Speech without words (a hum, a noise the VAD
/// took for speech) resumes the reply at the timeout even while it goes on. A final that comes after the reply resumed
/// still interrupts it if it has real words.
/// </remarks>
public sealed partial class InterruptionPolicy : IDisposable
{
    /// <summary>Outcome of an overlap that interrupted the agent (also when its words came after the reply resumed).</summary>
    public const string Confirmed = "confirmed";

    /// <summary>Outcome of an overlap whose final transcript held no real words: dropped, the reply resumed.</summary>
    public const string Backchannel = "backchannel";

    /// <summary>Outcome of an overlap still undecided at the false-interruption timeout: the reply resumed.</summary>
    public const string Resumed = "resumed";

    private readonly Lock _gate = new();
    private readonly InterruptionOptions _options;
    private readonly TurnManager _turns;
    private readonly UserTranscript _transcript;
    private readonly TimeProvider _time;
    private readonly TurnTimeline? _timeline;
    private readonly ILogger _logger;
    private readonly PipelineMetrics? _metrics;
    private TurnId _overlap = TurnId.None;
    private TimeSpan _speech;
    private bool _overlapSpeaking;
    private bool _resumed;
    private string? _previousPartial;
    private string _stable = "";
    private ITimer? _resumeTimer;

    // Overlaps a newer one replaced before their final was in (the user paused, then spoke on), with their speech time:
    // each one's final still decides whether the user interrupted.
    private readonly Dictionary<TurnId, TimeSpan> _carried = [];

    public InterruptionPolicy(InterruptionOptions options, TurnManager turns, UserTranscript transcript, TimeProvider? time = null, TurnTimeline? timeline = null, ILogger? logger = null, PipelineMetrics? metrics = null)
    {
        _metrics = metrics;
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
        TurnId overlap;
        lock (_gate)
        {
            // The manager's overlap and this policy's change in one step: no timeout or final of the previous overlap can
            // act between them (a timeout there resumed the new overlap's pause; a final there lost its decision).
            overlap = _turns.BeginOverlap();
            if (_overlap != TurnId.None)
            {
                _carried[_overlap] = _speech;
            }

            _resumeTimer?.Dispose();
            _overlap = overlap;
            _speech = TimeSpan.Zero;
            _overlapSpeaking = true;
            _resumed = false;
            _previousPartial = null;
            _stable = "";
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

        return TryConfirm(overlap, _transcript.For(overlap) is { IsFinal: true } final ? final : null);
    }

    /// <summary>The speech of <paramref name="overlap"/> ended (its final transcript is on the way): the timeout starts again from here.</summary>
    public void SpeechEnded(TurnId overlap)
    {
        lock (_gate)
        {
            if (overlap != _overlap || !_overlapSpeaking)
            {
                return;
            }

            _overlapSpeaking = false;
            if (_resumed)
            {
                return;
            }

            _resumeTimer?.Change(TimeSpan.FromMilliseconds(_options.FalseInterruptionTimeoutMs), Timeout.InfiniteTimeSpan);
        }
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

        // For a partial, words are its stable part (UtteranceText.StablePart); the final settles every word.
        var real = UtteranceText.RealWords(words);
        if (real < _options.MinInterruptionWords)
        {
            return false;
        }

        // A lone word waits for the final, which brings the whole speech time: a word is short, a hum spelled as one is not.
        return real > 1 || _options.LoneWordMaxMs == 0 || (final && speech <= TimeSpan.FromMilliseconds(_options.LoneWordMaxMs));
    }

    private void OnTranscript(TranscriptSnapshot snapshot)
    {
        TimeSpan speech;
        lock (_gate)
        {
            if (snapshot.Turn != _overlap)
            {
                if (snapshot.IsFinal && _carried.Remove(snapshot.Turn, out speech))
                {
                    SettleCarried(snapshot, speech);
                }

                return;
            }

            speech = _speech;
            if (!snapshot.IsFinal)
            {
                _stable = UtteranceText.StablePart(_previousPartial, snapshot.Text);
                _previousPartial = snapshot.Text;
            }
        }

        if (TryConfirm(snapshot.Turn, snapshot.IsFinal ? snapshot : null))
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

                CloseOverlap();
                dropped = _turns.DropOverlap(snapshot.Turn);
            }

            if (dropped)
            {
                _timeline?.Forget(snapshot.Turn);
                _metrics?.Interruption(Backchannel);
                LogDropped(_logger, snapshot.Turn.Value, (int)speech.TotalMilliseconds);
            }
        }
    }

    /// <param name="final">The overlap's final transcript, or null to judge by the stable part of its partials.</param>
    private bool TryConfirm(TurnId overlap, TranscriptSnapshot? final)
    {
        // Decided and applied under one lock: the recogniser's thread publishes the final and then sends its frame on,
        // so by the time any stage sees that frame, the overlap is either the current turn or dropped.
        lock (_gate)
        {
            if (overlap != _overlap || !Interrupts(_speech, final is null ? _stable : final.Text, final is not null))
            {
                return false;
            }

            CloseOverlap();

            // False only when a new turn already superseded the overlap: that ended its pause, and the words of the
            // overlap's final go to the new turn (TurnManager.IsSuperseded).
            if (!_turns.ConfirmOverlap(overlap))
            {
                return false;
            }
        }

        _metrics?.Interruption(Confirmed);
        LogConfirmed(_logger, overlap.Value);
        return true;
    }

    /// <summary>
    /// The final of an overlap a newer one replaced: real words in it interrupt, and the newer overlap (the speech that
    /// followed) becomes the turn, answering these words with its own; without them, it is dropped.
    /// </summary>
    private void SettleCarried(TranscriptSnapshot final, TimeSpan speech)
    {
        var pending = _overlap;
        if (!Interrupts(speech, final.Text, final: true))
        {
            _turns.DropOverlap(final.Turn);
            _timeline?.Forget(final.Turn);
            return;
        }

        if (_turns.ConfirmOverlap(final.Turn) && pending != TurnId.None && _turns.Current == pending)
        {
            CloseOverlap();
            _metrics?.Interruption(Confirmed);
            LogConfirmed(_logger, pending.Value);
        }
    }

    private void TimedOut(TurnId overlap)
    {
        lock (_gate)
        {
            if (overlap != _overlap)
            {
                return;
            }

            // Still talking, with words (this overlap's, or those of an earlier part whose final has not come yet, which holds
            // the recogniser up so that this part has no partials): hold the pause; the end of the speech starts the timeout again.
            if (_overlapSpeaking && (UtteranceText.RealWords(_transcript.For(overlap)?.Text) > 0 || CarriedHasWords()))
            {
                LogHeld(_logger, overlap.Value);
                return;
            }

            // Still undecided (the user keeps making sounds without words): the reply goes on; words heard later can still
            // interrupt it. Under the lock, so that it never resumes the pause of a newer overlap.
            _resumed = true;
            _turns.ResumeOutput();
        }

        _metrics?.Interruption(Resumed);
        LogResumed(_logger, overlap.Value);
    }

    /// <summary>No overlap waits any more, nor its timeout. The caller holds the lock.</summary>
    private void CloseOverlap()
    {
        _overlap = TurnId.None;
        _resumeTimer?.Dispose();
        _resumeTimer = null;
    }

    private bool CarriedHasWords()
    {
        foreach (var earlier in _carried.Keys)
        {
            if (UtteranceText.RealWords(_transcript.For(earlier)?.Text) > 0)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}): output paused")]
    private static partial void LogPaused(ILogger logger, long turn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}) interrupts it")]
    private static partial void LogConfirmed(ILogger logger, long turn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}, {SpeechMs} ms of speech) was not an interruption: the reply resumes")]
    private static partial void LogDropped(ILogger logger, long turn, int speechMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}) goes on with words at the timeout: the reply stays paused")]
    private static partial void LogHeld(ILogger logger, long turn);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Speech over the agent (turn {Turn}) undecided after the timeout: the reply resumes")]
    private static partial void LogResumed(ILogger logger, long turn);
}
