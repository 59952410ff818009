namespace VoiceAgent.Providers.Tests.DashScope;

/// <summary>A continue-task text and when the fake received it.</summary>
internal sealed record FakeDashScopeTextPiece(string Text, DateTimeOffset At);
