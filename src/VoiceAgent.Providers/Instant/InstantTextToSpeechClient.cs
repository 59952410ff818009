using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.Instant;

/// <summary>
/// A load-test engine, not a voice: <see cref="InstantEngineOptions.MillisecondsPerWord"/> of a 440 Hz tone per word, with
/// word timings, at the output rate and with no delay. Streams like the embedded engine: timings first, then chunks.
/// </summary>
public sealed class InstantTextToSpeechClient(InstantEngineOptions settings) : ITextToSpeechClient
{
    private const string ModelId = "instant-tts";
    private const double ToneHz = 440;
    private const double Amplitude = 6000;
    private readonly TextToSpeechClientMetadata _metadata = new("instant", defaultModelId: ModelId);

    public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (words, audio) = Synthesize(text);
        List<AIContent> contents = [.. words];
        if (audio.Length > 0)
        {
            contents.Add(new DataContent(MemoryMarshal.AsBytes(audio.AsSpan()).ToArray(), Format.ToMediaType()));
        }

        return Task.FromResult(new TextToSpeechResponse(contents) { ModelId = ModelId });
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var (words, audio) = Synthesize(text);
        foreach (var update in SynthesisUpdates.From(words, audio, Format, settings.ChunkMs, ModelId, cancellationToken))
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(TextToSpeechClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    private AudioFormat Format => AudioFormat.Pcm16Mono(settings.OutputSampleRate);

    private (List<WordTimingContent> Words, short[] Audio) Synthesize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var split = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var perWord = TimeSpan.FromMilliseconds(settings.MillisecondsPerWord);
        var words = new List<WordTimingContent>(split.Length);
        for (var i = 0; i < split.Length; i++)
        {
            words.Add(new WordTimingContent(split[i], perWord * i, perWord));
        }

        var audio = new short[Format.SamplesFor(settings.MillisecondsPerWord) * split.Length];
        var step = 2 * Math.PI * ToneHz / settings.OutputSampleRate;
        for (var n = 0; n < audio.Length; n++)
        {
            audio[n] = (short)(Amplitude * Math.Sin(step * n));
        }

        return (words, audio);
    }
}
