namespace VoiceAgent.Pipeline.Sessions;

/// <summary>A voice call's output settings: how far agent audio may run ahead of playback, and the call's state the chain disposes.</summary>
public sealed record ChainOutput(TimeSpan PlaybackLead, TimeProvider Time, IDisposable? Owned);
