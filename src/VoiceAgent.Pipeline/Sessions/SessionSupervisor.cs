using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Admission for every transport (browser calls, phone streams, streaming replies, recorded sockets): admits sessions up
/// to the limits (all sessions, live calls, measured scheduling lag), tracks and counts them (the session metrics of every
/// transport are recorded here), and on shutdown drains them: in-flight replies may finish until the drain deadline,
/// then everything left is cancelled.
/// </summary>
public sealed partial class SessionSupervisor(
    IOptions<SessionSupervisorOptions> options,
    ILogger<SessionSupervisor> logger,
    TimeProvider? time = null,
    PipelineMetrics? metrics = null,
    IOptions<CapacityOptions>? capacity = null,
    SchedulingLagMonitor? lag = null) : IHostedLifecycleService
{
    private readonly CapacityOptions _capacity = capacity?.Value ?? new CapacityOptions();

    private static readonly TimeSpan AbortGrace = TimeSpan.FromSeconds(2);

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // Admission and the drain's snapshot happen under this one lock, so no session admitted before the drain escapes it.
    private readonly Lock _gate = new();
    private readonly Dictionary<long, SessionLease> _sessions = [];
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;
    private int _calls;
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

    /// <summary>Admits one session that is not a live call, or returns false when at capacity or shutting down.</summary>
    public bool TryAdmit(string kind, out SessionLease? lease) => Admit(kind, liveCall: false, out lease) == AdmissionDecision.Admitted;

    /// <summary>
    /// Admits one session, or says why not. A <paramref name="liveCall"/> (a browser voice call, a phone stream) also counts
    /// against <see cref="CapacityOptions.MaxCalls"/>; every kind is refused while the measured scheduling lag is over its limit.
    /// </summary>
    public AdmissionDecision Admit(string kind, bool liveCall, out SessionLease? lease)
    {
        lease = null;
        // Read outside the gate: the median sorts a small window, and a sample more or less does not change the decision.
        var lagMs = lag?.MedianLagMs ?? 0;
        AdmissionDecision decision;
        lock (_gate)
        {
            decision = _stopping ? AdmissionDecision.ShuttingDown
                : _sessions.Count >= options.Value.MaxSessions ? AdmissionDecision.AtSessionLimit
                : liveCall && _capacity.MaxCalls > 0 && _calls >= _capacity.MaxCalls ? AdmissionDecision.AtCallLimit
                : _capacity.MaxSchedulingLagMs > 0 && lagMs > _capacity.MaxSchedulingLagMs ? AdmissionDecision.Overloaded
                : AdmissionDecision.Admitted;
            if (decision == AdmissionDecision.Admitted)
            {
                lease = new SessionLease(++_nextId, kind, liveCall, Release);
                _sessions.Add(lease.Id, lease);
                _calls += liveCall ? 1 : 0;
            }
        }

        switch (decision)
        {
            case AdmissionDecision.Admitted:
                metrics?.SessionStarted(kind);
                break;
            case AdmissionDecision.AtSessionLimit:
                LogAtCapacity(logger, kind, "sessions", options.Value.MaxSessions);
                metrics?.SessionRefused(kind, "sessions");
                break;
            case AdmissionDecision.AtCallLimit:
                LogAtCapacity(logger, kind, "live calls", _capacity.MaxCalls);
                metrics?.SessionRefused(kind, "calls");
                break;
            case AdmissionDecision.Overloaded:
                LogOverloaded(logger, kind, lagMs, _capacity.MaxSchedulingLagMs);
                metrics?.SessionRefused(kind, "overloaded");
                break;
        }

        return decision;
    }

    /// <summary>Open sessions and calls, the measured lag and the limits, for <c>/health</c>.</summary>
    public CapacitySnapshot Capacity()
    {
        var lagMs = lag?.MedianLagMs ?? 0;
        lock (_gate)
        {
            return new CapacitySnapshot(_sessions.Count, options.Value.MaxSessions, _calls, _capacity.MaxCalls, lagMs, _capacity.MaxSchedulingLagMs);
        }
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
            _calls -= removed && lease.LiveCall ? 1 : 0;
        }

        if (removed)
        {
            metrics?.SessionEnded(lease.Kind);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} session: at the limit of {Max} {Limit}")]
    private static partial void LogAtCapacity(ILogger logger, string kind, string limit, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} session: scheduling lag {LagMs:F1} ms is over the limit of {MaxLagMs} ms")]
    private static partial void LogOverloaded(ILogger logger, string kind, double lagMs, double maxLagMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: draining {Count} sessions for up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, int count, double seconds);
}
