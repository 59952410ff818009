using Microsoft.Extensions.AI;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Runs an inner speech-to-text client's calls through an <see cref="EngineResilience"/>.</summary>
/// <remarks>The audio is read to its end before the first attempt, outside the timeout (the user may still be speaking), and replayed for each retry.</remarks>
public sealed class ResilientSpeechToTextClient(ISpeechToTextClient innerClient, EngineResilience resilience) : DelegatingSpeechToTextClient(innerClient)
{
    public EngineResilience Resilience { get; } = resilience ?? throw new ArgumentNullException(nameof(resilience));

    public override async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        var audio = await ReplayableAudio.ReadAllAsync(audioSpeechStream, cancellationToken);
        return await Resilience.ExecuteAsync(token => base.GetTextAsync(ReplayableAudio.Open(audio), options, token), cancellationToken);
    }

    public override async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var audio = await ReplayableAudio.ReadAllAsync(audioSpeechStream, cancellationToken);
        await foreach (var update in Resilience.ExecuteStreamingAsync(token => base.GetStreamingTextAsync(ReplayableAudio.Open(audio), options, token), cancellationToken))
        {
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
