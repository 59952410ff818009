using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Runs an inner text-to-speech client's calls through an <see cref="EngineResilience"/>: retried only before the first update.</summary>
public sealed class ResilientTextToSpeechClient(ITextToSpeechClient innerClient, EngineResilience resilience) : DelegatingTextToSpeechClient(innerClient)
{
    public EngineResilience Resilience { get; } = resilience ?? throw new ArgumentNullException(nameof(resilience));

    public override Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteAsync(token => base.GetAudioAsync(text, options, token), cancellationToken);

    public override IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        Resilience.ExecuteStreamingAsync(token => base.GetStreamingAudioAsync(text, options, token), cancellationToken);

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
