using System.Text.Json;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Sessions;

/// <summary>
/// Tool calls and results as stored history: one message each, role <c>tool_call</c> or <c>tool_result</c>, the content
/// as JSON (<c>{"id","name","arguments"}</c> and <c>{"id","result"}</c>), so a store keeps them as plain message text.
/// </summary>
public static class ToolHistory
{
    public const string CallRole = "tool_call";

    public const string ResultRole = "tool_result";

    /// <summary>A turn's tool messages (assistant calls, tool results) in stored form.</summary>
    public static IReadOnlyList<StoredMessage> ToStored(IEnumerable<ChatMessage> messages, DateTimeOffset at)
    {
        var stored = new List<StoredMessage>();
        foreach (var content in messages.SelectMany(m => m.Contents))
        {
            switch (content)
            {
                case FunctionCallContent c:
                    stored.Add(new StoredMessage(CallRole, JsonSerializer.Serialize(new StoredCall(c.CallId, c.Name, c.Arguments)), at));
                    break;
                case FunctionResultContent r:
                    stored.Add(new StoredMessage(ResultRole, JsonSerializer.Serialize(new StoredResult(r.CallId, ResultText(r.Result))), at));
                    break;
            }
        }

        return stored;
    }

    /// <summary>The chat message a stored one stands for; tool messages become a call or a result again.</summary>
    public static ChatMessage ToChat(StoredMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        switch (message.Role)
        {
            case CallRole:
                var call = JsonSerializer.Deserialize<StoredCall>(message.Text)!;
                return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(call.Id, call.Name, call.Arguments)]);
            case ResultRole:
                var result = JsonSerializer.Deserialize<StoredResult>(message.Text)!;
                return new ChatMessage(ChatRole.Tool, [new FunctionResultContent(result.Id, result.Result)]);
            case StoredMessage.AssistantRole:
                return new ChatMessage(ChatRole.Assistant, message.Text);
            default:
                return new ChatMessage(ChatRole.User, message.Text);
        }
    }

    private static string? ResultText(object? result) => result switch
    {
        null => null,
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(),
        _ => JsonSerializer.Serialize(result),
    };

    private sealed record StoredCall(string Id, string Name, IDictionary<string, object?>? Arguments);

    private sealed record StoredResult(string Id, string? Result);
}
