using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Admits sessions up to a limit, tracks them, and on shutdown drains them: in-flight replies may finish until the
/// drain deadline, then everything left is cancelled.
/// </summary>
public sealed partial class SessionSupervisor : BackgroundService
{
    private readonly IOptions<SessionSupervisorOptions> _options;
    private readonly ILogger<SessionSupervisor> _logger;
    private readonly TimeProvider _time;
    private Task? _drain;

    public SessionSupervisor(IOptions<SessionSupervisorOptions> options, ILogger<SessionSupervisor> logger, IHostApplicationLifetime? lifetime = null, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;

        // Drain as soon as shutdown begins: the web server waits for open requests (our calls) before hosted services stop.
        lifetime?.ApplicationStopping.Register(() => BeginDrain());
    }

    private readonly ConcurrentDictionary<long, SessionLease> _sessions = new();
    private long _nextId;
    private int _count;
    private volatile bool _stopping;

    public int ActiveSessions => Volatile.Read(ref _count);

    public int MaxSessions => _options.Value.MaxSessions;

    public bool IsStopping => _stopping;

    /// <summary>Admits one session, or returns false when at capacity or shutting down.</summary>
    public bool TryAdmit(string kind, out SessionLease? lease)
    {
        lease = null;
        if (_stopping)
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) > _options.Value.MaxSessions)
        {
            Interlocked.Decrement(ref _count);
            LogAtCapacity(_logger, kind, _options.Value.MaxSessions);
            return false;
        }

        lease = new SessionLease(Interlocked.Increment(ref _nextId), kind, Release);
        _sessions[lease.Id] = lease;
        return true;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await BeginDrain().WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        await base.StopAsync(cancellationToken);
    }

    /// <summary>Stops admitting, lets open sessions finish their reply until the drain deadline, then aborts the rest.</summary>
    private Task BeginDrain()
    {
        lock (_sessions)
        {
            return _drain ??= DrainAsync();
        }
    }

    private async Task DrainAsync()
    {
        _stopping = true;
        var open = _sessions.Values.ToArray();
        if (open.Length == 0)
        {
            return;
        }

        LogDraining(_logger, open.Length, _options.Value.DrainTimeout.TotalSeconds);
        foreach (var lease in open)
        {
            lease.Drain();
        }

        var all = Task.WhenAll(open.Select(l => l.Released.Task));
        try
        {
            await all.WaitAsync(_options.Value.DrainTimeout, _time);
        }
        catch (TimeoutException)
        {
            foreach (var lease in _sessions.Values)
            {
                lease.Abort();
            }

            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(2), _time));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);

    private void Release(SessionLease lease)
    {
        if (_sessions.TryRemove(lease.Id, out _))
        {
            Interlocked.Decrement(ref _count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} session: at the limit of {Max} sessions")]
    private static partial void LogAtCapacity(ILogger logger, string kind, int max);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shutting down: draining {Count} sessions for up to {Seconds} s")]
    private static partial void LogDraining(ILogger logger, int count, double seconds);
}
