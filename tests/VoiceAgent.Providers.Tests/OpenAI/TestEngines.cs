using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.Tests.OpenAI;

/// <summary>Options and resilience settings for tests: short timeouts and delays, a unique engine name per test.</summary>
internal static class TestEngines
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static OpenAIEngineOptions Options(string baseUrl, string? name = null) => new()
    {
        Name = name ?? "e-" + Guid.NewGuid().ToString("N")[..8],
        BaseUrl = baseUrl,
        ApiKey = "sk-test-secret",
        Model = "test-model",
        Timeout = TimeSpan.FromSeconds(5),
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
    };

    public static EngineResilienceOptions Resilience(OpenAIEngineOptions o, Action<EngineRetryEvent>? onRetry = null) => new()
    {
        Timeout = o.Timeout,
        MaxRetries = o.MaxRetries,
        RetryBaseDelay = o.RetryBaseDelay,
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        OnRetry = onRetry,
    };
}

/// <summary>Collects the VoiceAgent.Engines counters for one engine name.</summary>
internal sealed class EngineCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();

    public EngineCounters(string engine)
    {
        _listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == EngineMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "engine" && (string?)tag.Value == engine)
                {
                    _totals.AddOrUpdate(instrument.Name, value, (_, v) => v + value);
                }
            }
        });
        _listener.Start();
    }

    public long this[string name] => _totals.TryGetValue("voiceagent.engine." + name, out var v) ? v : 0;

    public void Dispose() => _listener.Dispose();
}
