using System.Threading.Channels;
using VoiceAgent.Pipeline.Frames;

namespace VoiceAgent.Pipeline.Turns;

/// <summary>
/// Owns the current turn of one session: its id, its cancellation (linked to the session's), and whether the agent
/// is active (thinking, or speaking as far as the listener can still hear). Barge-in cancels the turn, never the session.
/// </summary>
public sealed class TurnManager : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationToken _sessionToken;
    private readonly TimeProvider _time;
    private readonly Channel<Frame> _control;
    private CancellationTokenSource _turnCts;
    private TurnId _current;
    private TurnId _replying = TurnId.None;
    private long _playbackEndsAt;

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

    public bool IsStale(TurnId turn)
    {
        lock (_gate)
        {
            return turn < _current;
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
        CancellationTokenSource old;
        TurnId interrupted = TurnId.None;
        TurnId next;
        lock (_gate)
        {
            if (_replying != TurnId.None || _time.GetTimestamp() < _playbackEndsAt)
            {
                interrupted = _replying != TurnId.None ? _replying : _current;
            }

            old = _turnCts;
            _turnCts = CancellationTokenSource.CreateLinkedTokenSource(_sessionToken);
            _current = _current.Next();
            next = _current;
            _replying = TurnId.None;
            _playbackEndsAt = 0;
        }

        old.Cancel();
        old.Dispose();
        if (interrupted != TurnId.None)
        {
            _control.Writer.TryWrite(new InterruptFrame(interrupted));
        }

        return next;
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
        lock (_gate)
        {
            _turnCts.Dispose();
        }

        _control.Writer.TryComplete();
    }
}
