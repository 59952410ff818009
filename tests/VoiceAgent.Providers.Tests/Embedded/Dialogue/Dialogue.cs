using Microsoft.Extensions.AI;
using VoiceAgent.Providers.Embedded.Dialogue;

namespace VoiceAgent.Providers.Tests.Embedded.Dialogue;

/// <summary>Builds a dialogue client on a fixed clock (Saturday 21 November 2026, 15:07 UTC) and asks it questions.</summary>
internal static class Dialogue
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 15, 7, 0, TimeSpan.Zero);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static DialogueChatClient Client(DialogueOptions? options = null, DateTimeOffset? now = null) =>
        new(options ?? new DialogueOptions { TimeZone = "UTC" }, new FixedTimeProvider(now ?? Now));

    /// <summary>Asks <paramref name="question"/> after the alternating user/assistant <paramref name="history"/>.</summary>
    public static async Task<string> AskAsync(this DialogueChatClient client, string question, params string[] history)
    {
        var response = await client.GetResponseAsync(Messages(question, history)).WaitAsync(Timeout);
        return response.Text;
    }

    public static Task<string> AskAsync(string question, params string[] history) => Client().AskAsync(question, history);

    public static List<ChatMessage> Messages(string question, params string[] history)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are a helpful voice assistant.") };
        for (var i = 0; i < history.Length; i++)
        {
            messages.Add(new ChatMessage(i % 2 == 0 ? ChatRole.User : ChatRole.Assistant, history[i]));
        }

        messages.Add(new ChatMessage(ChatRole.User, question));
        return messages;
    }
}
