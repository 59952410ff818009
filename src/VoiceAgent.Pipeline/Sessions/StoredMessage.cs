namespace VoiceAgent.Pipeline.Sessions;

/// <summary>One message of a stored history. <see cref="Interrupted"/> is only ever true for an assistant message cut short by a barge-in.</summary>
public sealed record StoredMessage(string Role, string Text, DateTimeOffset CreatedAt, bool Interrupted = false)
{
    public const string UserRole = "user";

    public const string AssistantRole = "assistant";

    /// <summary>The messages a finished turn adds: the user's, its tool messages, then the assistant's unless nothing was heard (as <see cref="Conversation"/> does).</summary>
    public static IReadOnlyList<StoredMessage> FromTurn(CompletedTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        List<StoredMessage> messages = [new StoredMessage(UserRole, turn.UserText, turn.CompletedAt), .. turn.ToolMessages];
        if (turn.AssistantText.Length > 0)
        {
            messages.Add(new StoredMessage(AssistantRole, turn.AssistantText, turn.CompletedAt, turn.Interrupted));
        }

        return messages;
    }
}
