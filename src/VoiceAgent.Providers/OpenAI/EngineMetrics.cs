using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Engine call metrics on the meter <c>VoiceAgent.Engines</c>: calls, failures, retries, fallbacks and breaker state, tagged by engine.</summary>
/// <remarks>Share one instance per process (a singleton made with the host's <see cref="IMeterFactory"/>).</remarks>
public sealed class EngineMetrics
{
    public const string MeterName = "VoiceAgent.Engines";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _fallbacks;
    private readonly Lock _gate = new();
    private readonly List<(string Engine, Func<CircuitState> State)> _breakers = [];

    public EngineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The meter belongs to the factory, which disposes it with the host.
        _meter = meterFactory.Create(MeterName);
        _calls = _meter.CreateCounter<long>("voiceagent.engine.calls", description: "Engine calls (a retried call counts once).");
        _failures = _meter.CreateCounter<long>("voiceagent.engine.failures", description: "Engine calls that failed (the caller's cancellation is not a failure).");
        _retries = _meter.CreateCounter<long>("voiceagent.engine.retries", description: "Retries of transient engine failures.");
        _fallbacks = _meter.CreateCounter<long>("voiceagent.engine.fallbacks", description: "Calls handed to the next engine after this one failed.");
        _meter.CreateObservableGauge("voiceagent.engine.breaker_state", ObserveBreakers, description: "Circuit breaker: 0 closed, 1 open, 2 half-open, 3 isolated.");
    }

    internal void Call(string engine) => _calls.Add(1, new KeyValuePair<string, object?>("engine", engine));

    internal void Failure(string engine) => _failures.Add(1, new KeyValuePair<string, object?>("engine", engine));

    internal void Retry(string engine) => _retries.Add(1, new KeyValuePair<string, object?>("engine", engine));

    internal void Fallback(string engine, string next) =>
        _fallbacks.Add(1, new KeyValuePair<string, object?>("engine", engine), new KeyValuePair<string, object?>("fallback", next));

    /// <summary>Reports a breaker's state until the returned handle is disposed.</summary>
    internal IDisposable TrackBreaker(string engine, Func<CircuitState> state)
    {
        var entry = (engine, state);
        lock (_gate)
        {
            _breakers.Add(entry);
        }

        return new Untrack(this, entry);
    }

    private IEnumerable<Measurement<int>> ObserveBreakers()
    {
        lock (_gate)
        {
            return [.. _breakers.Select(b => new Measurement<int>(StateValue(b.State()), new KeyValuePair<string, object?>("engine", b.Engine)))];
        }
    }

    private static int StateValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.Open => 1,
        CircuitState.HalfOpen => 2,
        _ => 3,
    };

    private sealed class Untrack(EngineMetrics owner, (string, Func<CircuitState>) entry) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._breakers.Remove(entry);
            }
        }
    }
}
