using System.Diagnostics;

namespace VoiceAgent.Pipeline.Turns.Tracing;

/// <summary>The turns' <see cref="ActivitySource"/> (<c>VoiceAgent.Turns</c>): one per host, shared by every session's <see cref="TurnTracer"/>.</summary>
public sealed class TurnTracing : IDisposable
{
    public const string SourceName = "VoiceAgent.Turns";

    public ActivitySource Source { get; } = new(SourceName);

    /// <summary>A tracer for one session's turns; <paramref name="sessionId"/> goes on each turn's root span.</summary>
    public TurnTracer ForSession(TimeProvider time, string? sessionId) => new(Source, time, sessionId);

    public void Dispose() => Source.Dispose();
}
