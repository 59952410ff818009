using System.Diagnostics.Metrics;

namespace VoiceAgent.Providers.Embedded;

/// <summary>Time callers spend waiting for a CPU-bound engine slot (the eSpeak lock, a free PocketSphinx decoder), on the meter <c>VoiceAgent.Engines.Queue</c>.</summary>
/// <remarks>One instance per host (made with its <see cref="IMeterFactory"/>), shared by the embedded engines.</remarks>
public sealed class EngineQueueMetrics
{
    public const string MeterName = "VoiceAgent.Engines.Queue";

    private readonly TimeProvider _time;
    private readonly Histogram<double> _wait;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter belongs to the IMeterFactory, which disposes it with the host.")]
    public EngineQueueMetrics(IMeterFactory meterFactory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _wait = meterFactory.Create(MeterName).CreateHistogram<double>("voiceagent.engine.queue_wait", "ms", "Time waiting for an engine slot");
    }

    /// <summary>A timestamp to pass to <see cref="Waited"/> once the slot is taken.</summary>
    public long StartWaiting() => _time.GetTimestamp();

    public void Waited(string engine, long startTimestamp) =>
        _wait.Record(_time.GetElapsedTime(startTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("engine", engine));
}
