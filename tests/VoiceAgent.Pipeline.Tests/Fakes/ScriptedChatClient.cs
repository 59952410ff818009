using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Pipeline.Tests.Fakes;

/// <summary>A test LLM: answers with <see cref="ReplyCallback"/>, streamed as word tokens with an optional delay each.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    public Func<IReadOnlyList<ChatMessage>, string> ReplyCallback { get; set; } = messages => $"You said {messages[^1].Text}. That is all.";

    public TimeSpan TokenDelay { get; set; }

    /// <summary>Throw this after the given number of tokens (to simulate an engine failing mid-reply).</summary>
    public (int AfterTokens, Exception Error)? FailWith { get; set; }

    public List<IReadOnlyList<ChatMessage>> Requests { get; } = [];

    public int TokensStreamed;

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = "";
        await foreach (var u in GetStreamingResponseAsync(messages, options, cancellationToken))
        {
            text += u.Text;
        }

        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (Requests)
        {
            Requests.Add(list);
        }

        var reply = ReplyCallback(list);
        var tokens = System.Text.RegularExpressions.Regex.Split(reply, @"(?<=\s)");
        var i = 0;
        foreach (var token in tokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (FailWith is { } f && i == f.AfterTokens)
            {
                throw f.Error;
            }

            if (TokenDelay > TimeSpan.Zero)
            {
                await Task.Delay(TokenDelay, cancellationToken);
            }

            i++;
            Interlocked.Increment(ref TokensStreamed);
            yield return new ChatResponseUpdate(ChatRole.Assistant, token);
        }

        yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
