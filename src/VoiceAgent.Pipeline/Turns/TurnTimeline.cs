using System.Collections.Concurrent;

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

/// <summary>Records when each milestone of a turn happened, first time only, and reports latencies from <see cref="TurnMilestone.Start"/>.</summary>
public sealed class TurnTimeline(TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(long Turn, TurnMilestone Milestone), long> _marks = new();
    private readonly ConcurrentDictionary<long, long> _tools = new();

    /// <summary>Raised the first time a milestone is reached, with its latency from the start of the turn (for metrics).</summary>
    public event Action<TurnMilestone, TimeSpan>? Reached;

    public void Mark(TurnId turn, TurnMilestone milestone)
    {
        if (!_marks.TryAdd((turn.Value, milestone), _time.GetTimestamp()) || milestone == TurnMilestone.Start)
        {
            return;
        }

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

    /// <summary>Forgets a finished turn so a long call does not accumulate marks.</summary>
    public void Forget(TurnId turn)
    {
        foreach (var m in Enum.GetValues<TurnMilestone>())
        {
            _marks.TryRemove((turn.Value, m), out _);
        }

        _tools.TryRemove(turn.Value, out _);
    }
}
