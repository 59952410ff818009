using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.Embedded.Espeak;

/// <summary>Text to speech with the embedded eSpeak NG engine: PCM16 mono with word timings, English, Mandarin and ~100 other languages.</summary>
/// <remarks>
/// eSpeak NG is a process-global synthesiser, so parallel syntheses need separate processes: with
/// <see cref="EspeakOptions.Workers"/> above 1 each sentence goes to a pool of eSpeak worker processes; with 0 or 1 every
/// synthesis runs in this process under one lock. A sentence takes a few milliseconds, so the whole text is synthesised and
/// only then streamed: that lets every word timing come before the first audio, as <see cref="WordTimingContent"/> requires.
/// Streaming yields, all with <see cref="TextToSpeechResponseUpdateKind.AudioUpdating"/>: one update holding every word timing
/// (left out when the text has no words), then the audio in chunks of <see cref="EspeakOptions.ChunkMs"/>; the last chunk's
/// update is <see cref="TextToSpeechResponseUpdateKind.AudioUpdated"/>, so a consumer knows the sentence's audio is complete.
/// </remarks>
public sealed class EspeakTextToSpeechClient : ITextToSpeechClient, IVoiceCatalog
{
    private const string ProviderName = "espeak-ng";
    private const int MinRate = 80;
    private const int MaxRate = 450;

    private readonly EspeakOptions _options;
    private readonly IResamplerFactory _resamplerFactory;
    private readonly EspeakEngine _engine;
    private readonly IEspeakSynthesizer _synthesizer;
    private readonly string _defaultVoiceIdentifier;
    private readonly TextToSpeechClientMetadata _metadata;

    /// <exception cref="InvalidOperationException">eSpeak NG is not installed (the message names the Debian package).</exception>
    /// <exception cref="ValidationException">The options are out of range.</exception>
    public EspeakTextToSpeechClient(EspeakOptions options, IResamplerFactory resamplerFactory, EngineQueueMetrics? queueMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resamplerFactory);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        _options = options;
        _resamplerFactory = resamplerFactory;
        // The service's own eSpeak NG also lists the voices and the sample rate for the workers, which load the same data.
        _engine = EspeakEngine.GetShared();
        _defaultVoiceIdentifier = _engine.Voices.Resolve(options.DefaultVoice)
            ?? throw new ValidationException($"EspeakOptions.DefaultVoice '{options.DefaultVoice}' is not an installed eSpeak NG voice.");
        var workers = options.Workers ?? Environment.ProcessorCount;
        _synthesizer = workers > 1 ? new EspeakWorkerPool(workers, _engine.SampleRate, queueMetrics) : new EspeakInProcessSynthesizer(_engine, queueMetrics);
        _metadata = new TextToSpeechClientMetadata(ProviderName, defaultModelId: options.DefaultVoice);
    }

    /// <summary>Null when eSpeak NG can be used here; otherwise why not, naming the Debian package to install.</summary>
    public static string? CheckAvailable() => EspeakEngine.CheckAvailable();

    /// <summary>The language codes accepted as a voice, sorted; English is <c>en</c>/<c>en-us</c>/<c>en-gb</c>, Mandarin <c>cmn</c>/<c>zh</c>.</summary>
    public IReadOnlyList<string> ListVoices() => _engine.Voices.LanguageCodes;

    IReadOnlyList<string> IVoiceCatalog.Voices => ListVoices();

    /// <summary>Whether <paramref name="voice"/> names an installed voice: a language code, a voice file (<c>gmw/en-US</c>, <c>en-US</c>) or a voice name.</summary>
    public bool IsKnownVoice(string voice) => !string.IsNullOrWhiteSpace(voice) && _engine.Voices.Resolve(voice) is not null;

    public async Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default)
    {
        var (words, audio, format) = await SynthesizeAsync(text, options, cancellationToken).ConfigureAwait(false);
        List<AIContent> contents = [.. words];
        if (audio.Length > 0)
        {
            contents.Add(new DataContent(ToBytes(audio), format.ToMediaType()));
        }

        return new TextToSpeechResponse(contents) { ModelId = ProviderName };
    }

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (words, audio, format) = await SynthesizeAsync(text, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in SynthesisUpdates.From(words, audio, format, _options.ChunkMs, ProviderName, cancellationToken))
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

    /// <summary>Stops the worker processes, if any; the in-process engine belongs to the process, not to a client.</summary>
    public void Dispose() => _synthesizer.Dispose();

    /// <summary>Where syntheses run: the worker pool or the in-process engine (tests look at the pool).</summary>
    internal IEspeakSynthesizer Synthesizer => _synthesizer;

    private async Task<(List<WordTimingContent> Words, short[] Audio, AudioFormat Format)> SynthesizeAsync(string text, TextToSpeechOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        cancellationToken.ThrowIfCancellationRequested();
        var voice = ResolveVoice(options);
        var format = ResolveFormat(options);
        var rate = (int)Math.Round(Math.Clamp(_options.Rate * (options?.Speed ?? 1f), MinRate, MaxRate));
        var pitch = (int)Math.Round(Math.Clamp(_options.Pitch * (options?.Pitch ?? 1f), 0, 100));
        var volume = (int)Math.Round(Math.Clamp(100 * (options?.Volume ?? 1f), 0, 200)); // eSpeak: 100 is normal, up to 200 amplifies
        if (string.IsNullOrWhiteSpace(text))
        {
            return ([], [], format);
        }

        using var resampler = _resamplerFactory.Create(_engine.SampleRate, format.SampleRate);
        var raw = await _synthesizer.SynthesizeAsync(new EspeakSpeech(text, voice, rate, pitch, volume), resampler, cancellationToken).ConfigureAwait(false);
        var words = EspeakWordTimings.Build(text, raw.Words, _engine.SampleRate, raw.Samples, format.SampleRate);
        return (words, raw.Samples, format);
    }

    private string ResolveVoice(TextToSpeechOptions? options)
    {
        if (!string.IsNullOrWhiteSpace(options?.VoiceId))
        {
            return _engine.Voices.Resolve(options.VoiceId)
                ?? throw new ArgumentException($"Unknown eSpeak NG voice '{options.VoiceId}'. Use a language code such as 'en', 'en-us' or 'cmn' (see ListVoices()).", nameof(options));
        }

        if (!string.IsNullOrWhiteSpace(options?.Language))
        {
            return _engine.Voices.ResolveLanguage(options.Language)
                ?? throw new ArgumentException($"eSpeak NG has no voice for language '{options.Language}'.", nameof(options));
        }

        return _defaultVoiceIdentifier;
    }

    // Only PCM16 mono is produced; a requested audio/pcm rate is honoured so callers need no second resampling step.
    private AudioFormat ResolveFormat(TextToSpeechOptions? options)
    {
        var requested = options?.AudioFormat;
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("pcm", StringComparison.OrdinalIgnoreCase))
        {
            return AudioFormat.Pcm16Mono(_options.OutputSampleRate);
        }

        if (AudioFormat.TryParseMediaType(requested, out var format, _options.OutputSampleRate) && format.Channels == 1 && format.SampleRate is >= 8_000 and <= 48_000)
        {
            return format;
        }

        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"eSpeak NG produces PCM16 mono (audio/pcm;rate=8000..48000;channels=1), not '{requested}'."), nameof(options));
    }

    private static byte[] ToBytes(ReadOnlySpan<short> samples) => MemoryMarshal.AsBytes(samples).ToArray();
}
