using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using global::OpenAI;
using Sdk = global::OpenAI.Chat;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Chat completions (streaming and not) from any OpenAI-compatible server, through the official OpenAI SDK.</summary>
/// <remarks>
/// No retries or timeouts beyond the SDK's network timeout here: <see cref="ResilientChatClient"/> adds them.
/// Streaming yields only updates that carry something (text, finish reason, usage): the role-only first chunk is
/// dropped, so the first update is the first token and a resilience layer can still retry before it.
/// The SDK asks for <c>stream_options.include_usage</c>, so usage arrives in the final chunk where the server supports it.
/// </remarks>
public sealed class OpenAIChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly string _model;
    private readonly string _name;
    private readonly ChatClientMetadata _metadata;

    public OpenAIChatClient(OpenAIEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("OpenAIEngineOptions");
        _client = OpenAIClientBuilder.Create(options);
        _model = options.Model;
        _name = options.Name;
        _metadata = new ChatClientMetadata("openai", new Uri(options.BaseUrl), options.Model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var client = _client.GetChatClient(options?.ModelId ?? _model);
        Sdk.ChatCompletion completion;
        try
        {
            completion = (await client.CompleteChatAsync(OpenAIChatMessages.ToSdk(messages), OpenAIChatMessages.ToSdk(options), cancellationToken)).Value;
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex);
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == Sdk.ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = OpenAIChatMessages.ToFinishReason(completion.FinishReason),
            Usage = OpenAIChatMessages.ToUsage(completion.Usage)?.Details,
            RawRepresentation = completion,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var client = _client.GetChatClient(options?.ModelId ?? _model);
        var updates = client.CompleteChatStreamingAsync(OpenAIChatMessages.ToSdk(messages), OpenAIChatMessages.ToSdk(options), cancellationToken);
        await using var e = updates.GetAsyncEnumerator(cancellationToken);
        var finished = false;
        while (true)
        {
            Sdk.StreamingChatCompletionUpdate u;
            try
            {
                if (!await e.MoveNextAsync())
                {
                    break;
                }

                u = e.Current;
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                throw Malformed(ex);
            }

            if (ToUpdate(u) is { } update)
            {
                finished |= update.FinishReason is not null;
                yield return update;
            }
        }

        // A connection closed mid-reply can look like a clean end of the event stream; every server we target sends a
        // finish_reason, so its absence means the reply was cut, and the caller must not take half a reply as whole.
        if (!finished)
        {
            throw new IOException($"The chat engine '{_name}' ended its stream before finishing the reply.");
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private static ChatResponseUpdate? ToUpdate(Sdk.StreamingChatCompletionUpdate u)
    {
        var contents = new List<AIContent>();
        foreach (var part in u.ContentUpdate)
        {
            if (part.Kind == Sdk.ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
            {
                contents.Add(new TextContent(part.Text));
            }
        }

        if (OpenAIChatMessages.ToUsage(u.Usage) is { } usage)
        {
            contents.Add(usage);
        }

        var finish = OpenAIChatMessages.ToFinishReason(u.FinishReason);
        if (contents.Count == 0 && finish is null)
        {
            return null;
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = u.CompletionId,
            MessageId = u.CompletionId,
            ModelId = u.Model,
            CreatedAt = u.CreatedAt,
            FinishReason = finish,
            RawRepresentation = u,
        };
    }

    // What System.Text.Json and the SDK's model readers throw on a body that is not the JSON they expect.
    private static bool IsMalformed(Exception ex) => ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException;

    private InvalidDataException Malformed(Exception ex) =>
        new($"The chat engine '{_name}' returned a malformed response: {ex.Message}", ex);
}
