namespace VoiceAgent.Harness.Load;

/// <summary>Live totals across all calls of a load run, for the progress display.</summary>
public sealed class LoadCounters
{
    private int _active;
    private int _turns;
    private long _frames;
    private long _lateFrames;
    private int _errors;
    private int _dropped;
    private int _connectFailed;

    public int Active => Volatile.Read(ref _active);

    public int Turns => Volatile.Read(ref _turns);

    public long Frames => Interlocked.Read(ref _frames);

    /// <summary>Frames sent more than 20 ms behind their real-time schedule.</summary>
    public long LateFrames => Interlocked.Read(ref _lateFrames);

    public int Errors => Volatile.Read(ref _errors);

    public int Dropped => Volatile.Read(ref _dropped);

    public int ConnectFailed => Volatile.Read(ref _connectFailed);

    internal void CallStarted() => Interlocked.Increment(ref _active);

    internal void CallEnded() => Interlocked.Decrement(ref _active);

    internal void TurnEnded() => Interlocked.Increment(ref _turns);

    internal void FrameSent(double lagMs)
    {
        Interlocked.Increment(ref _frames);
        if (lagMs > 20)
        {
            Interlocked.Increment(ref _lateFrames);
        }
    }

    internal void Error() => Interlocked.Increment(ref _errors);

    internal void Drop() => Interlocked.Increment(ref _dropped);

    internal void ConnectFailure() => Interlocked.Increment(ref _connectFailed);
}
