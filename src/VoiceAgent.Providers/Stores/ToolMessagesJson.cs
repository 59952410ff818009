using System.Text.Json;
using VoiceAgent.Pipeline.Sessions;

namespace VoiceAgent.Providers.Stores;

/// <summary>
/// A turn's tool messages (<see cref="ToolHistory"/>) as the durable stores keep them: one nullable column of the turn's
/// row holding <c>[{"role","text"}]</c>, null for a turn without tools, so older rows read back unchanged.
/// </summary>
internal static class ToolMessagesJson
{
    public static string? Serialize(IReadOnlyList<StoredMessage> messages) =>
        messages.Count == 0 ? null : JsonSerializer.Serialize(messages.Select(m => new Row(m.Role, m.Text)));

    public static IReadOnlyList<StoredMessage> Deserialize(string? json, DateTimeOffset at) =>
        string.IsNullOrEmpty(json) ? [] : [.. (JsonSerializer.Deserialize<Row[]>(json) ?? []).Select(r => new StoredMessage(r.Role, r.Text, at))];

    private sealed record Row(string Role, string Text);
}
