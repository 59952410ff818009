namespace VoiceAgent.Pipeline.Turns;

/// <summary>One partial or final of a turn, with the <see cref="TimeProvider"/> timestamp at which it was published.</summary>
public sealed record TranscriptSnapshot(TurnId Turn, string Text, bool IsFinal, long Timestamp);
