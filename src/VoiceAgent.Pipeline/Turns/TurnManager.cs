using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Turns;

/// <summary>
/// Owns the current turn of one session: its id, its cancellation (linked to the session's), and whether the agent
/// is active (thinking, or speaking as far as the listener can still hear). Barge-in cancels the turn, never the session.
/// Speech over the agent may first be an overlap: a turn id is reserved for it and the agent's output is paused; the
/// overlap then becomes the next turn (an interruption) or is dropped and the output resumes (a backchannel).
/// </summary>
public sealed class TurnManager : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationToken _sessionToken;
    private readonly TimeProvider _time;
    private readonly Channel<Frame> _control;
    private CancellationTokenSource _turnCts;
    private TurnId _current;
    private TurnId _lastIssued;
    private TurnId _overlap = TurnId.None;
    private TurnId _replying = TurnId.None;
    private long _playbackEndsAt;
    private TaskCompletionSource? _paused;

    // Overlaps that never became (part of) a turn: backchannels, noise. Few per call (one per overlap), so never pruned.
    private readonly HashSet<TurnId> _dropped = [];

    public TurnManager(CancellationToken sessionToken, TimeProvider? time = null)
    {
        _sessionToken = sessionToken;
        _time = time ?? TimeProvider.System;
        _turnCts = CancellationTokenSource.CreateLinkedTokenSource(sessionToken);

        // Control frames are few (one per barge-in) and must never wait behind audio; if a stuck reader let 32 pile up,
        // the oldest interrupts are obsolete anyway.
        _control = Channel.CreateBounded<Frame>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest });
    }

    public TurnId Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Interrupts, read by the transport ahead of any queued data.</summary>
    public ChannelReader<Frame> Control => _control.Reader;

    /// <summary>True while a reply is being produced, or its audio is still playing at the listener (estimated from what was sent).</summary>
    public bool AgentActive
    {
        get
        {
            lock (_gate)
            {
                return _replying != TurnId.None || _time.GetTimestamp() < _playbackEndsAt;
            }
        }
    }

    /// <summary>True for a superseded turn and for a dropped overlap: ids above the current one are only ever overlaps.</summary>
    public bool IsStale(TurnId turn)
    {
        lock (_gate)
        {
            return turn < _current || (turn > _current && turn != _overlap);
        }
    }

    /// <summary>
    /// Whether <paramref name="frame"/> is dropped as stale. The final transcript of a superseded turn is not: the recogniser
    /// may finish a turn after the next one began, and the listener still gets that turn's one final (the next turn answers its words).
    /// </summary>
    public bool IsStale(TurnFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return IsStale(frame.Turn) && !IsLateFinal(frame);
    }

    /// <summary>Stale, or an overlap not (yet) confirmed: nothing of it goes to the listener.</summary>
    public bool IsWithheld(TurnId turn)
    {
        lock (_gate)
        {
            return turn != _current;
        }
    }

    /// <summary>Whether <paramref name="frame"/> is kept from the listener: as <see cref="IsWithheld(TurnId)"/>, but a superseded turn's final transcript goes out.</summary>
    public bool IsWithheld(TurnFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return IsWithheld(frame.Turn) && !IsLateFinal(frame);
    }

    /// <summary>The final transcript of a superseded turn: the one frame of an old turn that still goes to the listener.</summary>
    private bool IsLateFinal(TurnFrame frame) => frame is TranscriptFrame { IsFinal: true } && IsSuperseded(frame.Turn);

    /// <summary>
    /// True for a turn the user spoke that a newer turn superseded before its final transcript was in (not for a dropped
    /// overlap): its words belong to the conversation, and the current turn answers them with its own.
    /// </summary>
    public bool IsSuperseded(TurnId turn)
    {
        lock (_gate)
        {
            return turn != TurnId.None && turn < _current && !_dropped.Contains(turn);
        }
    }

    /// <summary>The overlap waiting for a decision, or <see cref="TurnId.None"/>.</summary>
    public TurnId Overlap
    {
        get
        {
            lock (_gate)
            {
                return _overlap;
            }
        }
    }

    /// <summary>
    /// Completes when output may flow again; already complete unless an overlap paused it. The transport's reader holds
    /// every data frame (the agent's audio first of all) until then; interrupts still pass.
    /// </summary>
    public Task OutputResumed
    {
        get
        {
            lock (_gate)
            {
                return _paused?.Task ?? Task.CompletedTask;
            }
        }
    }

    /// <summary>How far the listener's estimated playback runs ahead of now (zero when nothing is playing).</summary>
    public TimeSpan PlaybackLead
    {
        get
        {
            lock (_gate)
            {
                var ahead = _playbackEndsAt - _time.GetTimestamp();
                return ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ahead / _time.TimestampFrequency);
            }
        }
    }

    /// <summary>The token of <paramref name="turn"/>: cancelled when the turn is superseded or the session ends.</summary>
    public CancellationToken TokenFor(TurnId turn)
    {
        lock (_gate)
        {
            return turn == _current ? _turnCts.Token : new CancellationToken(canceled: true);
        }
    }

    /// <summary>Starts a new turn. If the agent was active, this is a barge-in: the old turn is cancelled and an interrupt is queued.</summary>
    public TurnId BeginTurn()
    {
        TurnId next;
        lock (_gate)
        {
            _lastIssued = _lastIssued.Next();
            next = _lastIssued;
        }

        // A new turn supersedes any overlap still waiting, and the pause it held.
        Supersede(next, overlap: null);
        return next;
    }

    /// <summary>The user started speaking over the active agent: reserves the id of the turn this may become and pauses the output.</summary>
    public TurnId BeginOverlap()
    {
        TaskCompletionSource? resumed;
        TurnId overlap;
        lock (_gate)
        {
            _lastIssued = _lastIssued.Next();
            _overlap = overlap = _lastIssued;
            resumed = _paused;
            _paused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // A newer overlap replaces one still waiting (its pause is handed on); the older one's final decides it later.
        resumed?.TrySetResult();
        return overlap;
    }

    /// <summary>
    /// The overlap is an interruption: it becomes the current turn, the agent's turn is cancelled and an interrupt queued.
    /// If a newer overlap replaced it (the user paused and went on speaking), that one is the interruption's turn.
    /// </summary>
    public bool ConfirmOverlap(TurnId overlap)
    {
        TurnId pending;
        lock (_gate)
        {
            pending = _overlap;
            if (overlap == TurnId.None || overlap <= _current || overlap > pending || _dropped.Contains(overlap))
            {
                return false;
            }
        }

        return Supersede(pending, pending);
    }

    /// <summary>
    /// The overlap was not an interruption (a backchannel, a cough): it is forgotten, never to become a turn, and if it is the
    /// one waiting, the agent's output resumes where it stopped. True when it was the one waiting.
    /// </summary>
    public bool DropOverlap(TurnId overlap)
    {
        TaskCompletionSource? paused;
        lock (_gate)
        {
            if (overlap == TurnId.None || overlap == _current)
            {
                return false;
            }

            _dropped.Add(overlap);
            if (overlap != _overlap)
            {
                return false;
            }

            _overlap = TurnId.None;
            paused = _paused;
            _paused = null;
        }

        paused?.TrySetResult();
        return true;
    }

    /// <summary>Lets output flow again (the overlap, if any, still waits for its decision).</summary>
    public void ResumeOutput()
    {
        TaskCompletionSource? paused;
        lock (_gate)
        {
            paused = _paused;
            _paused = null;
        }

        paused?.TrySetResult();
    }

    /// <summary>
    /// Makes <paramref name="next"/> current in one step (no reader ever sees it stale) and ends any pause; with
    /// <paramref name="overlap"/>, only if that overlap is still the one waiting.
    /// </summary>
    private bool Supersede(TurnId next, TurnId? overlap)
    {
        CancellationTokenSource old;
        TaskCompletionSource? paused;
        TurnId interrupted = TurnId.None;
        lock (_gate)
        {
            if (overlap is { } expected && expected != _overlap)
            {
                return false;
            }

            _overlap = TurnId.None;
            if (_replying != TurnId.None || _time.GetTimestamp() < _playbackEndsAt)
            {
                interrupted = _replying != TurnId.None ? _replying : _current;
            }

            old = _turnCts;
            _turnCts = CancellationTokenSource.CreateLinkedTokenSource(_sessionToken);
            _current = next;
            _replying = TurnId.None;
            _playbackEndsAt = 0;
            paused = _paused;
            _paused = null;
        }

        // The interrupt and the end of the pause first: cancelling the old turn runs other stages' callbacks and await
        // continuations inline on this thread, and whatever they do (block, throw), the listener must get its clear and the
        // output must flow again. Before, a cancellation that never returned left the reply paused with no interrupt, for good.
        if (interrupted != TurnId.None)
        {
            _control.Writer.TryWrite(new InterruptFrame(interrupted));
        }

        paused?.TrySetResult();
        try
        {
            old.Cancel();
        }
        finally
        {
            old.Dispose();
        }

        return true;
    }

    public void ReplyStarted(TurnId turn)
    {
        lock (_gate)
        {
            if (turn == _current)
            {
                _replying = turn;
            }
        }
    }

    public void ReplyFinished(TurnId turn)
    {
        lock (_gate)
        {
            if (_replying == turn)
            {
                _replying = TurnId.None;
            }
        }
    }

    /// <summary>Audio of <paramref name="turn"/> left for the listener: it plays from now (or after what is queued) for its duration.</summary>
    public void AudioSent(TurnId turn, TimeSpan duration)
    {
        lock (_gate)
        {
            if (turn != _current)
            {
                return;
            }

            var now = _time.GetTimestamp();
            var start = Math.Max(now, _playbackEndsAt);
            _playbackEndsAt = start + (long)(duration.TotalSeconds * _time.TimestampFrequency);
        }
    }

    public void Dispose()
    {
        ResumeOutput();
        lock (_gate)
        {
            _turnCts.Dispose();
        }

        _control.Writer.TryComplete();
    }
}
