using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.Embedded.Dialogue;

/// <summary>
/// The offline default "LLM": a deterministic, rule-based dialogue engine behind <see cref="IChatClient"/>.
/// No language model: it answers small talk, time and date, arithmetic, repeat-after-me, configured FAQs and
/// questions about the conversation, in English or Chinese, and says honestly when it cannot help.
/// </summary>
public sealed class DialogueChatClient : IChatClient
{
    /// <summary>The model id reported on every response.</summary>
    public const string DefaultModelId = "voiceagent-rules";

    private readonly DialogueEngine _engine;
    private readonly TimeProvider _timeProvider;
    private readonly ChatClientMetadata _metadata = new("voiceagent-embedded", null, DefaultModelId);

    /// <summary>Creates the client; throws on an unknown time zone or an FAQ entry without patterns or answer.</summary>
    public DialogueChatClient(DialogueOptions options, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _engine = new DialogueEngine(options, _timeProvider);
    }

    /// <inheritdoc />
    public Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var reply = Compose(messages, options);
        var message = new ChatMessage(ChatRole.Assistant, string.Concat(reply.Chunks)) { MessageId = reply.Id };
        return Task.FromResult(new ChatResponse(message)
        {
            ResponseId = reply.Id,
            ModelId = DefaultModelId,
            CreatedAt = reply.CreatedAt,
            FinishReason = reply.FinishReason,
            Usage = reply.Usage,
        });
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing to release: the engine holds no native or pooled resources.
    }

    // Word-sized updates, so the sentence splitter downstream sees the same shape of stream as from a real model.
    // Nothing here awaits: each update is ready at once, and cancellation is checked between updates.
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var reply = Compose(messages, options);
        foreach (var chunk in reply.Chunks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Update(reply, new ChatResponseUpdate(ChatRole.Assistant, chunk));
        }

        cancellationToken.ThrowIfCancellationRequested();
        yield return Update(reply, new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(reply.Usage)]) { FinishReason = reply.FinishReason });
    }

    private static ChatResponseUpdate Update(Reply reply, ChatResponseUpdate update)
    {
        update.ResponseId = reply.Id;
        update.MessageId = reply.Id;
        update.ModelId = DefaultModelId;
        update.CreatedAt = reply.CreatedAt;
        return update;
    }

    private Reply Compose(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var chunks = TextChunks.Split(_engine.Reply(list));
        var finish = ChatFinishReason.Stop;
        if (options?.MaxOutputTokens is { } max && chunks.Count > Math.Max(max, 0))
        {
            chunks.RemoveRange(Math.Max(max, 0), chunks.Count - Math.Max(max, 0));
            finish = ChatFinishReason.Length;
        }

        var input = list.Sum(m => TextChunks.Count(m.Text));
        var usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = chunks.Count, TotalTokenCount = input + chunks.Count };
        return new Reply(Guid.NewGuid().ToString("N"), _timeProvider.GetUtcNow(), chunks, finish, usage);
    }

    private sealed record Reply(string Id, DateTimeOffset CreatedAt, List<string> Chunks, ChatFinishReason FinishReason, UsageDetails Usage);
}
