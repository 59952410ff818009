using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.DashScope;

/// <summary>
/// Runs a streaming recogniser's calls through an <see cref="EngineResilience"/> without waiting for the end of the audio:
/// the audio read so far is kept until the first result, so a retry replays it and then reads the live rest.
/// </summary>
/// <remarks>
/// <see cref="ResilientSpeechToTextClient"/> reads the whole utterance first, right for a batch engine; a real-time one
/// (Paraformer) would then only start once the user stopped speaking, which is the latency streaming exists to remove.
/// </remarks>
public sealed class LiveResilientSpeechToTextClient(ISpeechToTextClient innerClient, EngineResilience resilience) : DelegatingSpeechToTextClient(innerClient)
{
    public EngineResilience Resilience { get; } = resilience ?? throw new ArgumentNullException(nameof(resilience));

    public override async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var audio = new ReplayingAudioStream(audioSpeechStream);
        return await Resilience.ExecuteAsync(token => base.GetTextAsync(audio.OpenNext(), options, token), cancellationToken);
    }

    public override async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var audio = new ReplayingAudioStream(audioSpeechStream);
        await foreach (var update in Resilience.ExecuteStreamingAsync(token => base.GetStreamingTextAsync(audio.OpenNext(), options, token), cancellationToken))
        {
            audio.StopKeeping();
            yield return update;
        }
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
