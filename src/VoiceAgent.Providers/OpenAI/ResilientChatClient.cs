using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Runs an inner chat client's calls through an <see cref="EngineResilience"/>: timeout, retry before the first token, breaker.</summary>
public sealed class ResilientChatClient(IChatClient innerClient, EngineResilience resilience) : DelegatingChatClient(innerClient)
{
    public EngineResilience Resilience { get; } = resilience ?? throw new ArgumentNullException(nameof(resilience));

    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // The messages may be a lazy sequence: materialise once so every attempt sends the same thing.
        List<ChatMessage> list = [.. messages];
        return Resilience.ExecuteAsync(token => base.GetResponseAsync(list, options, token), cancellationToken);
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        List<ChatMessage> list = [.. messages];
        return Resilience.ExecuteStreamingAsync(token => base.GetStreamingResponseAsync(list, options, token), cancellationToken);
    }

    public override object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(EngineResilience) ? Resilience : base.GetService(serviceType, serviceKey);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Resilience.Dispose();
        }

        base.Dispose(disposing);
    }
}
