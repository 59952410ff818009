using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Measures how late a 100 ms timer's callback runs on the thread pool (the scheduling lag every frame of every call
/// also waits), records it as <c>voiceagent.scheduling.lag</c>, and keeps the recent median for admission.
/// </summary>
public sealed class SchedulingLagMonitor(IOptions<CapacityOptions> options, TimeProvider time, PipelineMetrics? metrics = null) : IHostedService, IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    private readonly SchedulingLagWindow _window = new(options.Value.LagWindow);
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _due;
    private bool _stopped;

    /// <summary>The median lag over the configured window, in milliseconds.</summary>
    public double MedianLagMs => _window.Median;

    internal int Samples => _window.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            // One-shot and re-armed from the callback: a periodic timer would hide lag by firing the next tick sooner.
            _due = time.GetTimestamp() + (long)(Period.TotalSeconds * time.TimestampFrequency);
            _timer = time.CreateTimer(_ => Tick(), null, Period, Timeout.InfiniteTimeSpan);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            _timer?.Dispose();
            _timer = null;
        }
    }

    /// <summary>One sample (the timer's, or a test's: a fake clock cannot make a callback run late).</summary>
    internal void Record(double lagMs)
    {
        _window.Add(lagMs);
        metrics?.SchedulingLag(lagMs);
    }

    private void Tick()
    {
        var now = time.GetTimestamp();
        Record(Math.Max(0, (now - Volatile.Read(ref _due)) * 1000.0 / time.TimestampFrequency));
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _due = time.GetTimestamp() + (long)(Period.TotalSeconds * time.TimestampFrequency);
            _timer?.Change(Period, Timeout.InfiniteTimeSpan);
        }
    }
}
