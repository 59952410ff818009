namespace VoiceAgent.Pipeline.Sessions;

/// <summary>The admission state at one moment, as <c>/health</c> reports it. A limit of 0 means none.</summary>
public sealed record CapacitySnapshot(int Sessions, int MaxSessions, int Calls, int MaxCalls, double SchedulingLagMs, double MaxSchedulingLagMs)
{
    /// <summary>True when a new live call would be refused now.</summary>
    public bool AtCapacity =>
        Sessions >= MaxSessions || (MaxCalls > 0 && Calls >= MaxCalls) || (MaxSchedulingLagMs > 0 && SchedulingLagMs > MaxSchedulingLagMs);
}
