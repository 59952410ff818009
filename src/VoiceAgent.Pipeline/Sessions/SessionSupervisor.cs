using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Admits sessions up to a limit, tracks and counts them (the session metrics of every transport are recorded here),
/// and on shutdown drains them: in-flight replies may finish until the drain deadline, then everything left is cancelled.
/// </summary>
public sealed partial class SessionSupervisor(
    IOptions<SessionSupervisorOptions> options,
    ILogger<SessionSupervisor> logger,
    TimeProvider? time = null,
    PipelineMetrics? metrics = null) : IHostedLifecycleService
{
    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Admission and the drain's snapshot happen under this one lock, so no session admitted before the drain escapes it.
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SessionLease> _sessions = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private bool _stopping;

    public int ActiveSessions
    {
        get
        {
            lock (_gate)
            {
                return _sessions.Count;
            }
        }
    }

    public int MaxSessions => options.Value.MaxSessions;

    public bool IsStopping
    {
        get
        {
            lock (_gate)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Admits one session, or returns false when at capacity or shutting down.</summary>
    public bool TryAdmit(string kind, out SessionLease? lease)
    {
        lock (_gate)
        {
            if (_stopping || _sessions.Count >= options.Value.MaxSessions)
            {
                lease = null;
            }
            else
            {
                lease = new SessionLease(++_nextId, kind, Release);
                _sessions.Add(lease.Id, lease);
            }
        }

        if (lease is null)
        {
            if (!IsStopping)
            {
                LogAtCapacity(logger, kind, options.Value.MaxSessions);
            }

            return false;
        }

        metrics?.SessionStarted(kind);
        return true;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Drains as soon as shutdown begins: the web server waits for open requests (our calls) in its own stop, which comes later.</summary>
    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        BeginDrain();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeginDrain().WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's own shutdown deadline came first; the drain's abort still runs to its end.
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops admitting, lets open sessions finish their reply until the drain deadline, then aborts the rest.</summary>
    private Task BeginDrain()
    {
        SessionLease[] open;
        lock (_gate)
        {
            if (_stopping)
            {
                return _drained.Task;
            }

            _stopping = true;
            open = [.. _sessions.Values];
        }

        // Outside the lock: cancelling a lease's tokens runs its session's callbacks, which may release it.
        _ = DrainAsync(open);
        return _drained.Task;
    }

    private async Task DrainAsync(SessionLease[] open)
    {
        try
        {
            if (open.Length == 0)
            {
                return;
            }

            LogDraining(logger, open.Length, options.Value.DrainTimeout.TotalSeconds);
            foreach (var lease in open)
            {
                lease.Drain();
            }

            var all = Task.WhenAll(open.Select(l => l.Released.Task));
            try
            {
                await all.WaitAsync(options.Value.DrainTimeout, _time);
            }
            catch (TimeoutException)
            {
                foreach (var lease in open)
                {
                    lease.Abort();
                }

                await Task.WhenAny(all, Task.Delay(AbortGrace, _time));
            }
        }
        finally
        {
            _drained.TrySetResult();
        }
    }

    private void Release(SessionLease lease)
    {
        bool removed;
        lock (_gate)
        {
            removed = _sessions.Remove(lease.Id);
        }

        if (removed)
        {
            metrics?.SessionEnded(lease.Kind);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} session: at the limit of {Max} sessions")]
    private static partial void LogAtCapacity(ILogger logger, string kind, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: draining {Count} sessions for up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, int count, double seconds);
}
