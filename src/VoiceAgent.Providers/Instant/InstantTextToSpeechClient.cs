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
    private const int MaxCachedSeconds = 30;
    private readonly TextToSpeechClientMetadata _metadata = new("instant", defaultModelId: ModelId);

    // The tone from sample 0, computed once: a load test's replies copy it instead of calling Math.Sin per sample (that
    // was 2-6 % of a loaded server's CPU, all of it the test engine's and none of it the service's).
    private short[] _tone = [];

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
        var tone = Tone(audio.Length);
        var cached = Math.Min(tone.Length, audio.Length);
        tone.AsSpan(0, cached).CopyTo(audio);
        Fill(audio.AsSpan(cached), cached);
        return (words, audio);
    }

    /// <summary>The cached tone, grown to <paramref name="samples"/> (up to <see cref="MaxCachedSeconds"/>) when shorter.</summary>
    private short[] Tone(int samples)
    {
        var tone = Volatile.Read(ref _tone);
        var wanted = Math.Min(samples, MaxCachedSeconds * settings.OutputSampleRate);
        if (tone.Length >= wanted)
        {
            return tone;
        }

        // Racing callers each build one; any of them is the same tone.
        var grown = new short[wanted];
        Fill(grown, 0);
        Volatile.Write(ref _tone, grown);
        return grown;
    }

    /// <param name="first">The sample number of <paramref name="audio"/>'s first sample, counted from the tone's start.</param>
    private void Fill(Span<short> audio, int first)
    {
        var step = 2 * Math.PI * ToneHz / settings.OutputSampleRate;
        for (var n = 0; n < audio.Length; n++)
        {
            audio[n] = (short)(Amplitude * Math.Sin(step * (first + n)));
        }
    }
}
