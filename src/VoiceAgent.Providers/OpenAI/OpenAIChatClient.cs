using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using global::OpenAI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Chat completions (streaming and not) from any OpenAI-compatible server, through Microsoft.Extensions.AI's own OpenAI adapter.</summary>
/// <remarks>
/// The adapter (<c>AsIChatClient()</c>) does the mapping, tool calls included; this thin layer adds what the project relies on:
/// streaming yields only updates that carry something (the role-only first chunk is dropped, so the first update is the
/// first token or tool call and <see cref="ResilientChatClient"/> can still retry before it); a body that is not the JSON
/// expected becomes an <see cref="InvalidDataException"/> naming the engine; a stream without a finish reason is a cut
/// reply (<see cref="IOException"/>); and <see cref="ChatOptions.ModelId"/> picks the model per request.
/// No retries or timeouts here beyond the SDK's network timeout.
/// </remarks>
public sealed class OpenAIChatClient : DelegatingChatClient
{
    private readonly OpenAIClient _client;
    private readonly string _model;
    private readonly string _name;

    public OpenAIChatClient(OpenAIEngineOptions options)
        : this(Validated(options), OpenAIClientBuilder.Create(options))
    {
    }

    private OpenAIChatClient(OpenAIEngineOptions options, OpenAIClient client)
        : base(client.GetChatClient(options.Model).AsIChatClient())
    {
        _client = client;
        _model = options.Model;
        _name = options.Name;
    }

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        try
        {
            return await For(options).GetResponseAsync(messages, options, cancellationToken);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw Malformed(ex);
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await using var e = For(options).GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var finished = false;
        while (true)
        {
            try
            {
                if (!await e.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception ex) when (IsMalformed(ex))
            {
                throw Malformed(ex);
            }

            var update = e.Current;
            finished |= update.FinishReason is not null;
            if (update.FinishReason is not null || update.Contents.Any(Carries))
            {
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

    private static OpenAIEngineOptions Validated(OpenAIEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("OpenAIEngineOptions");
        return options;
    }

    private static bool Carries(AIContent content) => content is not TextContent { Text.Length: 0 };

    // The SDK binds a chat client to one model; a request naming another gets a client of its own (cheap: it shares the
    // pipeline), not a cache keyed by whatever model names callers send.
    private IChatClient For(ChatOptions? options) =>
        options?.ModelId is { Length: > 0 } model && model != _model ? _client.GetChatClient(model).AsIChatClient() : InnerClient;

    // What System.Text.Json and the SDK's model readers throw on a body that is not the JSON they expect.
    private static bool IsMalformed(Exception ex) => ex is JsonException or FormatException or KeyNotFoundException or InvalidOperationException;

    private InvalidDataException Malformed(Exception ex) =>
        new($"The chat engine '{_name}' returned a malformed response: {ex.Message}", ex);
}
