namespace VoiceAgent.Pipeline.Sessions;

/// <summary>Thrown by <see cref="IConversationStore.CreateAsync"/> when the requested session id is already taken.</summary>
public sealed class SessionExistsException(string sessionId)
    : Exception($"Session '{sessionId}' already exists.")
{
    public string SessionId { get; } = sessionId;
}
