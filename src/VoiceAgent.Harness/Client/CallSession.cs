using System.Net.WebSockets;
using System.Threading.Channels;

namespace VoiceAgent.Harness.Client;

/// <summary>
/// The client side of one voice call: sends audio frames (paced or not), records how late each was sent, and pairs each
/// agent reply with the end of the user's speech before it to measure voice-to-voice latency.
/// </summary>
/// <param name="time">The clock of every timestamp the session takes or is given (<see cref="Now"/>); the system's by default.</param>
public sealed class CallSession(VoiceCallSocket socket, string sessionId, ICallObserver? observer = null, bool keepAudio = false, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Dictionary<long, TurnState> _turns = [];
    private readonly List<TurnResult> _finished = [];
    private readonly MemoryStream? _audio = keepAudio ? new MemoryStream() : null;
    private long _lastSpeechEnd;
    private long _replyTurn = -1;
    private int _turnsCompleted;
    private int _errors;
    // A signal per ended turn; waiters peek (WaitToReadAsync), so one that gives up takes no signal from the next.
    private readonly Channel<bool> _turnEnded = Channel.CreateUnbounded<bool>();

    public string SessionId => sessionId;

    /// <summary>For each paced frame: how late it was sent (after the send completed) against its real-time schedule, ms.</summary>
    public List<float> FrameLagMs { get; } = [];

    public int FramesSent { get; private set; }

    public int TurnsCompleted => Volatile.Read(ref _turnsCompleted);

    public int ErrorFrames => Volatile.Read(ref _errors);

    public List<string> ErrorMessages { get; } = [];

    public bool FatalError { get; private set; }

    public int OutputSampleRate { get; private set; } = 16_000;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    public string? CloseDescription => socket.CloseDescription;

    public IReadOnlyList<TurnResult> Turns
    {
        get
        {
            lock (_finished)
            {
                return [.. _finished];
            }
        }
    }

    /// <summary>The agent's speech as received (PCM16LE mono at <see cref="OutputSampleRate"/>), when kept.</summary>
    public byte[] AgentAudio() => _audio?.ToArray() ?? [];

    /// <summary>A timestamp of the session's clock.</summary>
    public long Now => _time.GetTimestamp();

    public long After(long timestamp, TimeSpan offset) => timestamp + (long)(offset.TotalSeconds * _time.TimestampFrequency);

    public double MillisecondsBetween(long from, long to) => (to - from) * 1000.0 / _time.TimestampFrequency;

    /// <summary>True once the connection has ended (closed or broken).</summary>
    public bool Ended { get; private set; }

    public async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await socket.ReceiveAsync(OnMessage, cancellationToken);
        }
        finally
        {
            Ended = true;
            _turnEnded.Writer.TryWrite(true); // wakes a waiter: no more turns will come
        }
    }

    /// <summary>
    /// Sends one frame. With <paramref name="due"/> (a <see cref="Now"/> timestamp: when the frame's audio has been "spoken"),
    /// waits until then if <paramref name="wait"/>, and records the lag; a voiced frame marks the end of speech at its due
    /// time (or, unpaced, when it was sent).
    /// </summary>
    public async ValueTask SendFrameAsync(ReadOnlyMemory<byte> pcm, long due, bool wait, bool voiced, CancellationToken cancellationToken)
    {
        if (due > 0 && wait)
        {
            var ahead = MillisecondsBetween(Now, due);
            if (ahead > 0.5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(ahead), _time, cancellationToken);
            }
        }

        await socket.SendAudioAsync(sessionId, pcm, isClose: false, cancellationToken);
        var sent = Now;
        FramesSent++;
        if (due > 0)
        {
            FrameLagMs.Add((float)Math.Max(0, MillisecondsBetween(due, sent)));
        }

        if (voiced)
        {
            Volatile.Write(ref _lastSpeechEnd, due > 0 ? due : sent);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> turns have ended; false on timeout.</summary>
    public async Task<bool> WaitForTurnsAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = After(Now, timeout);
        while (TurnsCompleted < count && !Ended)
        {
            var left = MillisecondsBetween(Now, deadline);
            try
            {
                if (left <= 0)
                {
                    throw new TimeoutException();
                }

                await _turnEnded.Reader.WaitToReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMilliseconds(left), _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return TurnsCompleted >= count;
            }

            _turnEnded.Reader.TryRead(out _);
        }

        return true;
    }

    /// <summary>Says <c>is_close</c>: the server finishes the turn in progress and closes.</summary>
    public ValueTask SendCloseAsync(CancellationToken cancellationToken) => socket.SendAudioAsync(sessionId, ReadOnlyMemory<byte>.Empty, isClose: true, cancellationToken);

    private void OnMessage(ServerMessage message)
    {
        switch (message.Type)
        {
            case "session":
                OutputSampleRate = message.SampleRate > 0 ? message.SampleRate : OutputSampleRate;
                break;
            case "asr" when message.Final && message.TurnId is { } t:
                Turn(t).UserText = message.Msg;
                break;
            case "text" when message.TurnId is { } t:
                var turn = Turn(t);
                turn.AgentText = turn.AgentText.Length == 0 ? message.Msg : turn.AgentText + " " + message.Msg;
                _replyTurn = t;
                break;
            case ServerMessage.AudioType:
                OnAudio(message.Audio);
                break;
            case "interrupt" when message.TurnId is { } t:
                Turn(t).Interrupted = true;
                break;
            case "turn_end" when message.TurnId is { } t:
                EndTurn(t, message.Latency);
                break;
            case "error":
            case "invalid":
                Interlocked.Increment(ref _errors);
                FatalError |= message.Fatal;
                lock (ErrorMessages)
                {
                    if (ErrorMessages.Count < 20)
                    {
                        ErrorMessages.Add($"{message.Code} {message.Msg}");
                    }
                }

                break;
        }

        observer?.OnMessage(message);
    }

    private void OnAudio(ReadOnlyMemory<byte> pcm)
    {
        _audio?.Write(pcm.Span);
        if (_replyTurn < 0)
        {
            return;
        }

        var turn = Turn(_replyTurn);
        turn.AudioBytes += pcm.Length;
        if (turn.FirstAudio == 0)
        {
            turn.FirstAudio = Now;
            var speechEnd = Volatile.Read(ref _lastSpeechEnd);
            turn.VoiceToVoiceMs = speechEnd > 0 ? MillisecondsBetween(speechEnd, turn.FirstAudio) : null;
        }
    }

    private void EndTurn(long id, ServerLatency? latency)
    {
        var turn = Turn(id);
        _turns.Remove(id);
        var result = new TurnResult(id, turn.UserText, turn.AgentText, turn.VoiceToVoiceMs, latency, turn.Interrupted, turn.AudioBytes / 2 * 1000.0 / OutputSampleRate);
        lock (_finished)
        {
            _finished.Add(result);
        }

        observer?.OnTurnEnded(result);
        Interlocked.Increment(ref _turnsCompleted);
        _turnEnded.Writer.TryWrite(true);
    }

    private TurnState Turn(long id)
    {
        if (!_turns.TryGetValue(id, out var state))
        {
            _turns[id] = state = new TurnState();
        }

        return state;
    }

    private sealed class TurnState
    {
        public string UserText { get; set; } = "";

        public string AgentText { get; set; } = "";

        public long FirstAudio { get; set; }

        public double? VoiceToVoiceMs { get; set; }

        public bool Interrupted { get; set; }

        public long AudioBytes { get; set; }
    }
}
