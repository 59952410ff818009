namespace VoiceAgent.Pipeline.Sessions;

/// <summary>One message of a stored history. <see cref="Interrupted"/> is only ever true for an assistant message cut short by a barge-in.</summary>
public sealed record StoredMessage(string Role, string Text, DateTimeOffset CreatedAt, bool Interrupted = false)
{
    public const string UserRole = "user";

    public const string AssistantRole = "assistant";

    /// <summary>The messages a finished turn adds: the user's, then the assistant's unless nothing was heard (as <see cref="Conversation"/> does).</summary>
    public static IReadOnlyList<StoredMessage> FromTurn(CompletedTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var user = new StoredMessage(UserRole, turn.UserText, turn.CompletedAt);
        return turn.AssistantText.Length == 0
            ? [user]
            : [user, new StoredMessage(AssistantRole, turn.AssistantText, turn.CompletedAt, turn.Interrupted)];
    }
}
