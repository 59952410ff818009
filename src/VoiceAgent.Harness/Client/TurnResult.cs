namespace VoiceAgent.Harness.Client;

/// <summary>One finished agent turn as the client saw it.</summary>
/// <param name="VoiceToVoiceMs">Client-measured: end of the user's speech (in audio time) → first agent audio byte received.</param>
public sealed record TurnResult(long TurnId, string UserText, string AgentText, double? VoiceToVoiceMs, ServerLatency? Server, bool Interrupted, double AgentAudioMs);
