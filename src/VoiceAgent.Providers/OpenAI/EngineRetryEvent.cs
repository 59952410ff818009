namespace VoiceAgent.Providers.OpenAI;

/// <summary>One retry of an engine call: which attempt comes next, after what delay, and what failed.</summary>
public readonly record struct EngineRetryEvent(string Engine, int NextAttempt, TimeSpan Delay, Exception? Failure);
