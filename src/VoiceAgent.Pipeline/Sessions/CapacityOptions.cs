namespace VoiceAgent.Pipeline.Sessions;

/// <summary>When new calls are refused before the calls already connected suffer (configuration section <c>VoiceAgent:Capacity</c>).</summary>
public sealed class CapacityOptions
{
    /// <summary>Live calls (browser voice calls and phone streams together) before new ones are refused with 1013; 0 = no limit of its own (<c>Sessions:MaxSessions</c> still applies).</summary>
    public int MaxCalls { get; set; }

    /// <summary>
    /// Refuse new sessions while the median scheduling lag of the last <see cref="LagWindow"/> is above this (ms); 0 = off.
    /// The lag is how late a 100 ms timer fires on the thread pool: it grows when the process runs out of CPU, before the
    /// callers' frame lag does.
    /// </summary>
    public double MaxSchedulingLagMs { get; set; }

    /// <summary>How many 100 ms lag samples the median is taken over (20 = the last 2 s); a single GC pause moves a median little.</summary>
    public int LagWindow { get; set; } = 20;

    public void Validate()
    {
        if (MaxCalls < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxCalls), MaxCalls, "VoiceAgent:Capacity:MaxCalls must be 0 (no limit) or positive.");
        }

        if (MaxSchedulingLagMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxSchedulingLagMs), MaxSchedulingLagMs, "VoiceAgent:Capacity:MaxSchedulingLagMs must be 0 (off) or positive.");
        }

        if (LagWindow is < 1 or > 600)
        {
            throw new ArgumentOutOfRangeException(nameof(LagWindow), LagWindow, "VoiceAgent:Capacity:LagWindow must be 1..600 samples.");
        }
    }
}
