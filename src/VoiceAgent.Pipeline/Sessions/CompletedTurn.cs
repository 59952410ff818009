namespace VoiceAgent.Pipeline.Sessions;

/// <summary>A finished exchange as it goes into history: what the user said and what the listener actually heard.</summary>
public sealed record CompletedTurn(long TurnId, string UserText, string AssistantText, bool Interrupted, DateTimeOffset CompletedAt)
{
    /// <summary>The tool calls and results of the turn, between the user's message and the assistant's (<see cref="ToolHistory"/>).</summary>
    public IReadOnlyList<StoredMessage> ToolMessages { get; init; } = [];
}
