using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Text to speech over an ordered list of engines: the next speaks when the previous fails before its first update.</summary>
/// <remarks>Its <see cref="IVoiceCatalog"/> is the union of the engines' voices, so a voice known to any engine is accepted.</remarks>
public sealed class FallbackTextToSpeechClient : ITextToSpeechClient, IVoiceCatalog
{
    private readonly IReadOnlyList<ITextToSpeechClient> _engines;
    private readonly EngineFallback _fallback;
    private readonly IVoiceCatalog[] _catalogs;

    public FallbackTextToSpeechClient(IReadOnlyList<ITextToSpeechClient> engines, EngineMetrics? metrics = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(engines);
        ArgumentOutOfRangeException.ThrowIfZero(engines.Count);
        _engines = engines;
        var names = engines.Select((e, i) => e.GetService<EngineResilience>()?.Name ?? e.GetService<TextToSpeechClientMetadata>()?.ProviderName ?? $"tts#{i}").ToList();
        _fallback = new EngineFallback("text-to-speech", names, metrics, logger ?? NullLogger.Instance);
        _catalogs = [.. engines.Select(e => e.GetService<IVoiceCatalog>()).OfType<IVoiceCatalog>()];
        Voices = [.. _catalogs.SelectMany(c => c.Voices).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    public IReadOnlyList<string> Voices { get; }

    public bool IsKnownVoice(string voice) => _catalogs.Any(c => c.IsKnownVoice(voice));

    public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        _fallback.ExecuteAsync((i, token) => _engines[i].GetAudioAsync(text, options, token), cancellationToken);

    public IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        _fallback.StreamAsync((i, token) => _engines[i].GetStreamingAudioAsync(text, options, token), cancellationToken);

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
