using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Chat over an ordered list of engines: the next answers when the previous fails before its first token (an open breaker included).</summary>
/// <remarks>A failure after a token was yielded propagates: the listener already heard part of that reply.</remarks>
public sealed class FallbackChatClient : IChatClient
{
    private readonly IReadOnlyList<IChatClient> _engines;
    private readonly EngineFallback _fallback;

    public FallbackChatClient(IReadOnlyList<IChatClient> engines, EngineMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentOutOfRangeException.ThrowIfZero(engines.Count);
        _engines = engines;
        var names = engines.Select((e, i) => e.GetService<EngineResilience>()?.Name ?? e.GetService<ChatClientMetadata>()?.ProviderName ?? $"chat#{i}").ToList();
        _fallback = new EngineFallback("chat", names, metrics, logger ?? NullLogger.Instance);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> list = [.. messages];
        return _fallback.ExecuteAsync((i, token) => _engines[i].GetResponseAsync(list, options, token), cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> list = [.. messages];
        return _fallback.StreamAsync((i, token) => _engines[i].GetStreamingResponseAsync(list, options, token), cancellationToken);
    }

    /// <summary>Answers for itself, else for the first engine (its metadata describes the primary).</summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : _engines[0].GetService(serviceType, serviceKey);
    }

    public void Dispose()
    {
        foreach (var e in _engines)
        {
            e.Dispose();
        }

    }
}
