namespace VoiceAgent.Api.Telephony;

/// <summary>
/// Keeps the carrier's playback buffer short: estimates when the audio sent so far finishes playing, and says how long
/// to wait before sending more so that at most <c>MaxBufferMs</c> is queued at the carrier.
/// </summary>
public sealed class PhonePacer(TimeSpan maxBuffer, TimeProvider time)
{
    private long _playEndsAt;

    /// <summary>How much audio the carrier holds right now (estimated).</summary>
    public TimeSpan Buffered
    {
        get
        {
            var ahead = _playEndsAt - time.GetTimestamp();
            return ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)ahead / time.TimestampFrequency);
        }
    }

    /// <summary>The wait before sending <paramref name="duration"/> more audio (zero to send now); counts it as sent.</summary>
    public TimeSpan Send(TimeSpan duration)
    {
        var wait = Buffered - maxBuffer;
        var now = time.GetTimestamp();
        var start = Math.Max(now, _playEndsAt);
        _playEndsAt = start + (long)(duration.TotalSeconds * time.TimestampFrequency);
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>The carrier dropped its buffer (a clear).</summary>
    public void Reset() => _playEndsAt = 0;
}
