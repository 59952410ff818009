namespace VoiceAgent.Pipeline.Sessions;

/// <summary>What <see cref="SessionSupervisor.Admit"/> decided; every refusal but <see cref="ShuttingDown"/> means "try again later" (WebSocket 1013, HTTP 503).</summary>
public enum AdmissionDecision
{
    Admitted,

    /// <summary><see cref="CapacityOptions.MaxCalls"/> live calls are open.</summary>
    AtCallLimit,

    /// <summary><see cref="SessionSupervisorOptions.MaxSessions"/> sessions of every kind are open.</summary>
    AtSessionLimit,

    /// <summary>The measured scheduling lag is over <see cref="CapacityOptions.MaxSchedulingLagMs"/>.</summary>
    Overloaded,

    ShuttingDown,
}
