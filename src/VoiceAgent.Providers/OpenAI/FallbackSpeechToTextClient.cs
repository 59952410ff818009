using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Speech to text over an ordered list of engines: the next is given the same audio when the previous fails before answering.</summary>
/// <remarks>Streaming stays streaming: the audio is passed on as it arrives, and replayed to the next engine only on a failure before the first update.</remarks>
public sealed class FallbackSpeechToTextClient : ISpeechToTextClient
{
    private readonly IReadOnlyList<ISpeechToTextClient> _engines;
    private readonly EngineFallback _fallback;

    public FallbackSpeechToTextClient(IReadOnlyList<ISpeechToTextClient> engines, EngineMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentOutOfRangeException.ThrowIfZero(engines.Count);
        _engines = engines;
        var names = engines.Select((e, i) => e.GetService<EngineResilience>()?.Name ?? e.GetService<SpeechToTextClientMetadata>()?.ProviderName ?? $"asr#{i}").ToList();
        _fallback = new EngineFallback("speech-to-text", names, metrics, logger ?? NullLogger.Instance);
    }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var audio = await ReplayableAudio.ReadAllAsync(audioSpeechStream, cancellationToken);
        return await _fallback.ExecuteAsync((i, token) => _engines[i].GetTextAsync(ReplayableAudio.Open(audio), options, token), cancellationToken);
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Streamed through as it arrives (a streaming recogniser keeps its partials); only the audio read before the first
        // update is kept, because only until then can the next engine take over.
        using var audio = new ReplayingAudioStream(audioSpeechStream);
        await foreach (var u in _fallback.StreamAsync((i, token) => _engines[i].GetStreamingTextAsync(audio.OpenNext(), options, token), cancellationToken))
        {
            audio.StopKeeping();
            yield return u;
        }
    }

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
