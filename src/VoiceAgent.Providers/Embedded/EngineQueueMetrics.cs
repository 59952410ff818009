using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VoiceAgent.Providers.Embedded;

/// <summary>Time callers spend waiting for a CPU-bound engine slot (the eSpeak lock, a free PocketSphinx decoder).</summary>
public sealed class EngineQueueMetrics : IDisposable
{
    private readonly Meter _meter = new("VoiceAgent.Engines");
    private readonly Histogram<double> _wait;
    private readonly KeyValuePair<string, object?> _engine;

    public EngineQueueMetrics(string engine)
    {
        _wait = _meter.CreateHistogram<double>("voiceagent.engine.queue_wait", "ms", "Time waiting for an engine slot");
        _engine = new KeyValuePair<string, object?>("engine", engine);
    }

    /// <summary>Records the wait that began at <paramref name="startTimestamp"/> (from <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Waited(long startTimestamp) => _wait.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds, _engine);

    public void Dispose() => _meter.Dispose();
}
