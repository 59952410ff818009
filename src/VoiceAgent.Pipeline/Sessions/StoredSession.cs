using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>A session as the store holds it: its settings and its history, oldest message first.</summary>
public sealed record StoredSession(string SessionId, SessionSettings Settings, IReadOnlyList<StoredMessage> Messages, DateTimeOffset CreatedAt)
{
    /// <summary>The history as chat messages, the form <see cref="Conversation"/> is built from.</summary>
    public List<ChatMessage> ToChatMessages() =>
        [.. Messages.Select(ToolHistory.ToChat)];
}
