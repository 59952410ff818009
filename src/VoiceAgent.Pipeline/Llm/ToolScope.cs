namespace VoiceAgent.Pipeline.Llm;

/// <summary>
/// Who a turn's tool calls act for: the conversation's session id and the Agora <c>context</c> object (raw JSON) when the
/// request carried one, both passed on to HTTP tools; <paramref name="Enabled"/> narrows the configured tools by name (null: all);
/// <paramref name="Tenant"/> is the caller's API-key name (never the key), also passed on.
/// </summary>
public sealed record ToolScope(string? SessionId, string? Context = null, IReadOnlyList<string>? Enabled = null, string? Tenant = null)
{
    public static ToolScope None { get; } = new(SessionId: null);
}
