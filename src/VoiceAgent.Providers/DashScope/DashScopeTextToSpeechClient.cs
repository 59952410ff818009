using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Providers.DashScope;

/// <summary>CosyVoice text to speech over DashScope's WebSocket API: one task per call, PCM streamed as the frames arrive.</summary>
/// <remarks>
/// This is the sentence path (the pipeline's splitter hands it whole sentences; /v1/audio/speech hands it the input); the
/// duplex path, which sends the LLM's text as it streams, is <see cref="IDuplexTextToSpeech"/> on the same client.
/// CosyVoice reports word timestamps only at a sentence's end, after its audio, too late to go out ahead of it: so words
/// are estimated from the text and handed out with the audio they start in (<see cref="StreamedWordTimings"/>), fitted
/// to the real duration at the end. Nothing is yielded before the first audio, so the resilience layer can still retry.
/// </remarks>
public sealed class DashScopeTextToSpeechClient : ITextToSpeechClient, IVoiceCatalog, IDuplexTextToSpeech
{
    private const int TailMs = 60;

    // CosyVoice v2's "_v2" system voices as Alibaba's CosyVoice-V2 voice table lists them; any other name (another
    // system voice, a cloned voice's id) is accepted too.
    private static readonly string[] KnownVoices =
        ["longxiaochun_v2", "longxiaoxia_v2", "longwan_v2", "longcheng_v2", "longhua_v2", "longshu_v2", "loongbella_v2"];

    private readonly DashScopeEngineOptions _options;
    private readonly DashScopeConnectionPool _pool;
    private readonly int _sampleRate;
    private readonly string _voice;
    private readonly TextToSpeechClientMetadata _metadata;

    public DashScopeTextToSpeechClient(DashScopeEngineOptions options, int outputSampleRate, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("DashScopeEngineOptions");
        _options = options;
        _pool = new DashScopeConnectionPool(options, timeProvider ?? TimeProvider.System);
        _sampleRate = options.SampleRate != 0 ? options.SampleRate
            : DashScopeEngineOptions.CosyVoiceRates.Contains(outputSampleRate) ? outputSampleRate : 24_000;
        _voice = string.IsNullOrWhiteSpace(options.Voice) ? "longxiaochun_v2" : options.Voice;
        Voices = [.. KnownVoices.Append(_voice).Distinct(StringComparer.Ordinal)];
        _metadata = new TextToSpeechClientMetadata("dashscope", new Uri(options.BaseUrl), options.Model);
    }

    public IReadOnlyList<string> Voices { get; }

    public bool IsKnownVoice(string voice) => !string.IsNullOrWhiteSpace(voice);

    public bool IsDuplex => _options.Duplex;

    public async Task<IDuplexSynthesis> StartAsync(TextToSpeechOptions? options, CancellationToken cancellationToken = default)
    {
        // Starting is bounded like a sentence's first audio: a server that never answers run-task must not hold the reply.
        using var start = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        start.CancelAfter(_options.Timeout);

        // The task belongs to the synthesis from here on; disposing the synthesis ends it.
#pragma warning disable CA2000
        var task = await CosyVoiceTask.StartAsync(_pool, _options, Voice(options), Rate(options), options?.Speed ?? 1f, start.Token);
#pragma warning restore CA2000
        return new CosyVoiceDuplexSynthesis(task, options?.Speed ?? 1f);
    }

    public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        SynthesisUpdates.CollectAsync(GetStreamingAudioAsync(text, options, cancellationToken), _options.Model, cancellationToken);

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var voice = Voice(options);
        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var speed = options?.Speed ?? 1f;
        var format = AudioFormat.Pcm16Mono(Rate(options));
        var mediaType = format.ToMediaType();
        var model = _options.Model;
        await using var task = await CosyVoiceTask.StartAsync(_pool, _options, voice, format.SampleRate, speed, cancellationToken);
        await task.SendTextAsync(text, cancellationToken);
        await task.FinishAsync(cancellationToken);

        // The last TailMs of what arrived is held back until more comes, so the last words can be fitted to the real
        // duration and still go out with audio they lie in.
        var words = new StreamedWordTimings(EstimatedWordTimings.Estimate(text, speed));
        var tail = format.BytesFor(TailMs);
        var pending = new List<byte>();
        var sent = TimeSpan.Zero;
        var any = false;
        await foreach (var update in task.ReadAsync(cancellationToken))
        {
            if (update.Kind != CosyVoiceUpdateKind.Audio)
            {
                continue;
            }

            any = true;
            pending.AddRange(update.Audio);
            var ready = (pending.Count - tail) & ~1;
            if (ready <= 0)
            {
                continue;
            }

            var chunk = pending.GetRange(0, ready).ToArray();
            pending.RemoveRange(0, ready);
            var end = sent + format.DurationOf(chunk.Length);
            foreach (var u in Chunk(words.Until(end, end + format.DurationOf(pending.Count)), chunk, mediaType, model, TextToSpeechResponseUpdateKind.AudioUpdating))
            {
                yield return u;
            }

            sent = end;
        }

        if (!any)
        {
            throw new DashScopeTaskFailedException($"DashScope engine '{_options.Name}' finished the task without audio for a non-empty text.");
        }

        var last = pending.GetRange(0, pending.Count & ~1).ToArray();
        var duration = sent + format.DurationOf(last.Length);
        var rest = words.Until(duration, duration);
        rest.AddRange(words.Rest(duration, sent));
        foreach (var u in Chunk(rest, last, mediaType, model, TextToSpeechResponseUpdateKind.AudioUpdated))
        {
            yield return u;
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

    public void Dispose() => _pool.Dispose();

    public override string ToString() => _options.ToString();

    private string Voice(TextToSpeechOptions? options) => string.IsNullOrWhiteSpace(options?.VoiceId) ? _voice : options.VoiceId;

    // A requested PCM rate CosyVoice can produce is asked of it directly; otherwise the configured rate, resampled downstream.
    private int Rate(TextToSpeechOptions? options)
    {
        var requested = options?.AudioFormat;
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("pcm", StringComparison.OrdinalIgnoreCase))
        {
            return _sampleRate;
        }

        if (AudioFormat.TryParseMediaType(requested, out var format, _sampleRate) && format.Channels == 1)
        {
            return DashScopeEngineOptions.CosyVoiceRates.Contains(format.SampleRate) ? format.SampleRate : _sampleRate;
        }

        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The CosyVoice engine produces PCM16 mono (audio/pcm), not '{requested}'."), nameof(options));
    }

    // A chunk's words (if any) go in their own update just before its audio, as every client in this project orders them.
    private static IEnumerable<TextToSpeechResponseUpdate> Chunk(List<WordTimingContent> words, byte[] audio, string mediaType, string model, TextToSpeechResponseUpdateKind kind)
    {
        if (words.Count > 0)
        {
            yield return new TextToSpeechResponseUpdate([.. words]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating, ModelId = model };
        }

        yield return audio.Length > 0
            ? new TextToSpeechResponseUpdate([new DataContent(audio, mediaType)]) { Kind = kind, ModelId = model }
            : new TextToSpeechResponseUpdate([]) { Kind = kind, ModelId = model };
    }
}
