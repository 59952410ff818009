namespace VoiceAgent.Pipeline.Sessions;

/// <summary>Limits of the session supervisor (configuration section <c>VoiceAgent:Sessions</c>).</summary>
public sealed class SessionSupervisorOptions
{
    /// <summary>Concurrent sessions (voice calls and streaming replies) before new ones are refused.</summary>
    public int MaxSessions { get; set; } = 2000;

    /// <summary>On shutdown, how long in-flight replies may take to finish before they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
