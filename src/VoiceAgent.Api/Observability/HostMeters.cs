using System.Diagnostics.Metrics;

namespace VoiceAgent.Api.Observability;

/// <summary>
/// Which meters are this host's: those its <see cref="IMeterFactory"/> made. OpenTelemetry picks meters by name, so
/// without this a process with several hosts (the tests) would count every host's sessions in each one's /metrics.
/// </summary>
public sealed class HostMeters
{
    private IMeterFactory? _factory;

    /// <summary>Called once the host's services exist, before it starts (and so before any meter is listened to).</summary>
    public void Own(IMeterFactory factory) => Volatile.Write(ref _factory, factory);

    /// <summary>Made by another host's factory; meters made without one (the runtime's, the LLM chain's) are shared.</summary>
    public bool IsOther(Meter meter) =>
        meter.Scope is IMeterFactory maker && Volatile.Read(ref _factory) is { } mine && !ReferenceEquals(maker, mine);
}
