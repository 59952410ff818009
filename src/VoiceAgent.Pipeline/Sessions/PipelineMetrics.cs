using System.Diagnostics.Metrics;
using VoiceAgent.Pipeline.Turns;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// The service's instruments (meter <c>VoiceAgent</c>): sessions, turns, per-stage latency, errors by kind, bytes in and out.
/// Readable by <c>dotnet-counters</c> and by the <c>/metrics</c> endpoint.
/// </summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "VoiceAgent";

    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _sessions;
    private readonly Counter<long> _turns;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _bytesIn;
    private readonly Counter<long> _bytesOut;
    private readonly Counter<long> _interruptions;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _schedulingLag;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The meter belongs to the IMeterFactory, which disposes it with the host.")]
    public PipelineMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The meter belongs to the factory, which disposes it with the host.
        var meter = meterFactory.Create(MeterName);
        _active = meter.CreateUpDownCounter<long>("voiceagent.sessions.active", description: "Open sessions (voice calls, streaming replies)");
        _sessions = meter.CreateCounter<long>("voiceagent.sessions", description: "Sessions started");
        _turns = meter.CreateCounter<long>("voiceagent.turns", description: "Turns finished, by outcome");
        _latency = meter.CreateHistogram<double>("voiceagent.turn.latency", "ms", "Time from the end of the user's speech (or the request) to each milestone");
        _errors = meter.CreateCounter<long>("voiceagent.errors", description: "Errors by kind");
        _bytesIn = meter.CreateCounter<long>("voiceagent.bytes.in", "By", "Bytes received from clients");
        _bytesOut = meter.CreateCounter<long>("voiceagent.bytes.out", "By", "Bytes sent to clients");
        _interruptions = meter.CreateCounter<long>(
            "voiceagent.interruptions",
            description: "Speech over the agent, by outcome: confirmed (the reply was interrupted), backchannel (ignored, the reply resumed), resumed (undecided at the false-interruption timeout, the reply resumed)");
        _refused = meter.CreateCounter<long>("voiceagent.sessions.refused", description: "Sessions refused at admission, by kind and reason (calls: MaxCalls reached; sessions: MaxSessions reached; overloaded: scheduling lag over its limit)");
        _schedulingLag = meter.CreateHistogram<double>("voiceagent.scheduling.lag", "ms", "How late a 100 ms timer callback ran on the thread pool (CPU or thread-pool saturation)");
    }

    public void SessionStarted(string kind)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _sessions.Add(1, tag);
        _active.Add(1, tag);
    }

    public void SessionEnded(string kind) => _active.Add(-1, new KeyValuePair<string, object?>("kind", kind));

    public void TurnFinished(string outcome) => _turns.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Latency(TurnMilestone milestone, TimeSpan latency) =>
        _latency.Record(latency.TotalMilliseconds, new KeyValuePair<string, object?>("milestone", Snake(milestone)));

    public void Error(string kind) => _errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void BytesIn(string transport, long bytes) => _bytesIn.Add(bytes, new KeyValuePair<string, object?>("transport", transport));

    public void BytesOut(string transport, long bytes) => _bytesOut.Add(bytes, new KeyValuePair<string, object?>("transport", transport));

    public void SessionRefused(string kind, string reason) =>
        _refused.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("reason", reason));

    public void SchedulingLag(double milliseconds) => _schedulingLag.Record(milliseconds);

    /// <summary>What speech over the agent turned out to be: one of the <see cref="InterruptionPolicy"/> outcomes.</summary>
    public void Interruption(string outcome) => _interruptions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    private static string Snake(TurnMilestone m) => m switch
    {
        TurnMilestone.AsrFinal => "asr_final",
        TurnMilestone.LlmFirstToken => "llm_first_token",
        TurnMilestone.FirstSentence => "first_sentence",
        TurnMilestone.FirstAudio => "first_audio",
        _ => "start",
    };
}
