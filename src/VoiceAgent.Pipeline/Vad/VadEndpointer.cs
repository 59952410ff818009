namespace VoiceAgent.Pipeline.Vad;

/// <summary>
/// Turns per-frame speech/silence decisions into turn boundaries: start after <c>MinSpeechMs</c> of speech
/// (<c>BargeInMs</c> while the agent is active), end after <c>EndSilenceMs</c> of silence (or the length a turn detector
/// chose for this pause), with pre-roll.
/// No allocation per frame.
/// </summary>
public sealed class VadEndpointer
{
    private readonly int _frameBytes;
    private readonly int _frameMs;
    private readonly int _minSpeechFrames;
    private readonly int _bargeInFrames;
    private readonly int _endSilenceFrames;
    private readonly int _preRollFrames;

    // Ring of the most recent frames while idle: pre-roll plus the speech run that may become a turn.
    private readonly byte[] _ring;
    private readonly int _ringFrames;
    private readonly byte[] _pending;
    private int _ringNext;
    private int _ringCount;
    private int _pendingLength;

    private int _speechRun;
    private int _silenceRun;

    /// <param name="options">The turn-taking thresholds.</param>
    /// <param name="frameBytes">Bytes per frame.</param>
    /// <param name="frameMs">The detector's frame length when it is not <see cref="VadEndpointerOptions.FrameMs"/> (Silero's 32 ms window).</param>
    public VadEndpointer(VadEndpointerOptions options, int frameBytes, int? frameMs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameBytes);
        _frameBytes = frameBytes;
        _frameMs = frameMs ?? options.FrameMs;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_frameMs);
        _minSpeechFrames = Frames(options.MinSpeechMs);
        _bargeInFrames = Frames(options.BargeInMs);
        _endSilenceFrames = Frames(options.EndSilenceMs);
        _preRollFrames = options.PreRollMs / _frameMs;
        _ringFrames = _preRollFrames + Math.Max(_minSpeechFrames, _bargeInFrames);
        _ring = new byte[_ringFrames * frameBytes];
        _pending = new byte[_ring.Length];
    }

    public bool InSpeech { get; private set; }

    /// <summary>Frames spent in the current turn so far (speech and trailing silence).</summary>
    public int TurnFrames { get; private set; }

    /// <summary>Valid right after <see cref="EndpointerEvent.SpeechStarted"/>: the audio from the pre-roll to this frame, in order.</summary>
    public ReadOnlySpan<byte> PendingAudio => _pending.AsSpan(0, _pendingLength);

    /// <summary>Milliseconds of speech counted towards a start; for tests and metrics.</summary>
    public int SpeechRunMs => _speechRun * _frameMs;

    /// <summary>Silence heard so far inside the turn; after <see cref="EndpointerEvent.SpeechEnded"/>, the silence that ended it.</summary>
    public int SilenceRunMs => _silenceRun * _frameMs;

    /// <param name="endSilence">How much silence ends this turn, as a turn detector decided for this pause; null for <c>EndSilenceMs</c>.</param>
    public EndpointerEvent Process(ReadOnlySpan<byte> frame, bool isSpeech, bool agentActive, TimeSpan? endSilence = null)
    {
        if (frame.Length != _frameBytes)
        {
            throw new ArgumentException($"Frame must be {_frameBytes} bytes, got {frame.Length}.", nameof(frame));
        }

        return InSpeech ? InTurn(isSpeech, endSilence is { } e ? Frames((int)e.TotalMilliseconds) : _endSilenceFrames) : Idle(frame, isSpeech, agentActive);
    }

    /// <summary>
    /// Ends the turn now, as <see cref="EndpointerEvent.SpeechEnded"/> would after enough silence, when the silence was
    /// not heard as frames (the input stopped arriving); <see cref="SilenceRunMs"/> keeps the silence heard before.
    /// </summary>
    public void EndTurn()
    {
        InSpeech = false;
        _pendingLength = 0;
    }

    public void Reset()
    {
        InSpeech = false;
        _speechRun = _silenceRun = _ringCount = _ringNext = _pendingLength = 0;
        TurnFrames = 0;
    }

    private EndpointerEvent Idle(ReadOnlySpan<byte> frame, bool isSpeech, bool agentActive)
    {
        frame.CopyTo(_ring.AsSpan(_ringNext * _frameBytes));
        _ringNext = (_ringNext + 1) % _ringFrames;
        _ringCount = Math.Min(_ringCount + 1, _ringFrames);

        _speechRun = isSpeech ? _speechRun + 1 : 0;
        if (_speechRun < (agentActive ? _bargeInFrames : _minSpeechFrames))
        {
            return EndpointerEvent.None;
        }

        // Linearise the ring, oldest first: at most the pre-roll plus the speech run just counted.
        var take = Math.Min(_ringCount, _preRollFrames + _speechRun);
        var first = (_ringNext - take + _ringFrames) % _ringFrames;
        for (var i = 0; i < take; i++)
        {
            _ring.AsSpan(((first + i) % _ringFrames) * _frameBytes, _frameBytes).CopyTo(_pending.AsSpan(i * _frameBytes));
        }

        _pendingLength = take * _frameBytes;
        _ringCount = _ringNext = 0;
        _speechRun = _silenceRun = 0;
        TurnFrames = take;
        InSpeech = true;
        return EndpointerEvent.SpeechStarted;
    }

    private EndpointerEvent InTurn(bool isSpeech, int endSilenceFrames)
    {
        _silenceRun = isSpeech ? 0 : _silenceRun + 1;
        if (_silenceRun >= endSilenceFrames)
        {
            // The silence run is kept until the next turn starts: it says where the speech ended.
            InSpeech = false;
            _pendingLength = 0;
            return EndpointerEvent.SpeechEnded;
        }

        TurnFrames++;
        return EndpointerEvent.Speech;
    }

    private int Frames(int ms) => Math.Max(1, (ms + _frameMs - 1) / _frameMs);
}
