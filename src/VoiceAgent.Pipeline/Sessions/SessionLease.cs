namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// A session's admission: while held it counts against the limit. <see cref="Draining"/> fires when the service begins
/// to shut down (finish the reply in flight, take no new turns); <see cref="Aborted"/> when the drain deadline passes.
/// </summary>
public sealed class SessionLease : IDisposable
{
    private readonly Action<SessionLease> _release;
    private readonly CancellationTokenSource _draining = new();
    private readonly CancellationTokenSource _aborted = new();
    private int _released;

    internal SessionLease(long id, string kind, bool liveCall, Action<SessionLease> release)
    {
        Id = id;
        Kind = kind;
        LiveCall = liveCall;
        _release = release;
    }

    public long Id { get; }

    public string Kind { get; }

    /// <summary>A browser voice call or a phone stream: counts against <see cref="CapacityOptions.MaxCalls"/>.</summary>
    public bool LiveCall { get; }

    public CancellationToken Draining => _draining.Token;

    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Completes when the lease is released.</summary>
    internal TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal void Drain() => Cancel(_draining);

    internal void Abort()
    {
        Cancel(_draining);
        Cancel(_aborted);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        _release(this);
        Released.TrySetResult();
        _draining.Dispose();
        _aborted.Dispose();
    }

    private static void Cancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Released concurrently: nothing left to stop.
        }
    }
}
