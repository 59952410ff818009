using System.Collections.Concurrent;
using VoiceAgent.Pipeline.Turns.Tracing;

namespace VoiceAgent.Pipeline.Turns;

/// <summary>Moments in a turn whose latency is measured.</summary>
public enum TurnMilestone
{
    /// <summary>The user stopped speaking (voice) or the request arrived (HTTP): latencies count from here.</summary>
    Start,
    AsrFinal,
    LlmFirstToken,
    FirstSentence,
    FirstAudio,
}

/// <summary>
/// Records when each milestone of a turn happened, first time only, and reports latencies from <see cref="TurnMilestone.Start"/>;
/// with a <see cref="TurnTracer"/>, each turn's milestones are also its trace's spans.
/// </summary>
public sealed class TurnTimeline(TimeProvider? time = null, TurnTracer? tracer = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(long Turn, TurnMilestone Milestone), long> _marks = new();
    private readonly ConcurrentDictionary<long, long> _tools = new();

    /// <summary>Raised the first time a milestone is reached, with its latency from the start of the turn (for metrics).</summary>
    public event Action<TurnMilestone, TimeSpan>? Reached;

    /// <summary>The VAD decided the user's turn is over, <paramref name="waited"/> after their speech ended: the turn starts (and its trace, from the end of speech).</summary>
    public void EndOfTurn(TurnId turn, TimeSpan waited)
    {
        tracer?.Begin(turn, waited);
        Mark(turn, TurnMilestone.Start);
    }

    public void Mark(TurnId turn, TurnMilestone milestone)
    {
        if (!_marks.TryAdd((turn.Value, milestone), _time.GetTimestamp()))
        {
            return;
        }

        if (milestone == TurnMilestone.Start)
        {
            tracer?.Begin(turn, TimeSpan.Zero);
            return;
        }

        tracer?.Reached(turn, milestone);

        if (Reached is { } handler && Latency(turn, milestone) is { } latency)
        {
            handler(milestone, latency);
        }
    }

    public TimeSpan? Latency(TurnId turn, TurnMilestone milestone) =>
        _marks.TryGetValue((turn.Value, TurnMilestone.Start), out var start) && _marks.TryGetValue((turn.Value, milestone), out var at)
            ? _time.GetElapsedTime(start, at)
            : null;

    /// <summary>Adds time the turn spent waiting for tools (reported beside the milestones).</summary>
    public void ToolTime(TurnId turn, TimeSpan spent) => _tools.AddOrUpdate(turn.Value, spent.Ticks, (_, t) => t + spent.Ticks);

    /// <summary>How long the turn waited for tools, or null when it called none.</summary>
    public TimeSpan? ToolTime(TurnId turn) => _tools.TryGetValue(turn.Value, out var ticks) ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The TTS engine was asked for a sentence of <paramref name="turn"/> (the trace's wait for first audio starts at the first).</summary>
    public void SynthesisStarted(TurnId turn) => tracer?.SynthesisStarted(turn);

    /// <summary>A span of the turn's trace around awaited work (the LLM's stream), current for what runs inside; empty when not traced.</summary>
    public TurnSpan StartSpan(TurnId turn, string name) => tracer?.StartSpan(turn, name) ?? default;

    /// <summary>Forgets a finished turn so a long call does not accumulate marks; its trace ends.</summary>
    public void Forget(TurnId turn)
    {
        tracer?.End(turn);
        foreach (var m in Enum.GetValues<TurnMilestone>())
        {
            _marks.TryRemove((turn.Value, m), out _);
        }

        _tools.TryRemove(turn.Value, out _);
    }

    /// <summary>Ends the traces of turns still open (the session ended under them).</summary>
    public void EndOpenTraces() => tracer?.EndAll();
}
