using System.Buffers;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using global::OpenAI;
using global::OpenAI.Audio;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Text to speech through <c>POST /audio/speech</c> with <c>response_format: pcm</c>, streamed as the body arrives.</summary>
/// <remarks>
/// The body is read unbuffered (protocol method with <see cref="RequestOptions.BufferResponse"/> off), resampled from the
/// server's rate (<see cref="OpenAIEngineOptions.SpeechSampleRate"/>, 24 kHz for OpenAI) to the output rate, and yielded
/// chunk by chunk, so the first audio leaves before the server has finished the sentence.
/// The engine reports no word timings: they are estimated from the text (<see cref="EstimatedWordTimings"/>) and handed out
/// with the audio they start in (<see cref="StreamedWordTimings"/>), fitted to the real duration at the end, so no word
/// lies outside its audio. Nothing is yielded before the first body bytes, so a resilience layer can still retry.
/// Not M.E.AI's <c>AsITextToSpeechClient</c> adapter (used for speech-to-text): it hands back the audio through the SDK's
/// buffered convenience call, which would hold the first audio until the whole sentence is made, and it has no word timings.
/// Voices: against the official OpenAI endpoint only its voice list (plus the configured voice) is accepted; any other
/// server (Azure, vLLM, Kokoro and other compatible servers) has voices of its own, so any non-empty name is accepted there.
/// </remarks>
public sealed class OpenAITextToSpeechClient : ITextToSpeechClient, IVoiceCatalog
{
    private const int TailMs = 60;
    private const int ReadBytes = 8192; // ~170 ms at 24 kHz: a read returns as soon as anything arrived, this is only the cap
    private static readonly string[] OpenAIVoices = ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"];

    private readonly AudioClient _audio;
    private readonly OpenAIEngineOptions _options;
    private readonly int _outputRate;
    private readonly IResamplerFactory _resamplers;
    private readonly string _voice;
    private readonly bool _anyVoice;
    private readonly TextToSpeechClientMetadata _metadata;

    public OpenAITextToSpeechClient(OpenAIEngineOptions options, int outputSampleRate, IResamplerFactory resamplerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(resamplerFactory);
        options.ThrowIfInvalid("OpenAIEngineOptions");
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSampleRate, 8_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(outputSampleRate, 48_000);
        _options = options;
        _audio = OpenAIClientBuilder.Create(options).GetAudioClient(options.Model);
        _outputRate = outputSampleRate;
        _resamplers = resamplerFactory;
        _voice = string.IsNullOrWhiteSpace(options.Voice) ? "alloy" : options.Voice;
        _anyVoice = !new Uri(options.BaseUrl).Host.Equals("api.openai.com", StringComparison.OrdinalIgnoreCase);
        Voices = [.. OpenAIVoices.Append(_voice).Distinct(StringComparer.OrdinalIgnoreCase)];
        _metadata = new TextToSpeechClientMetadata("openai", new Uri(options.BaseUrl), options.Model);
    }

    public IReadOnlyList<string> Voices { get; }

    public bool IsKnownVoice(string voice) =>
        !string.IsNullOrWhiteSpace(voice) && (_anyVoice || Voices.Contains(voice, StringComparer.OrdinalIgnoreCase));

    public Task<TextToSpeechResponse> GetAudioAsync(string text, TextToSpeechOptions? options = null, CancellationToken cancellationToken = default) =>
        SynthesisUpdates.CollectAsync(GetStreamingAudioAsync(text, options, cancellationToken), options?.ModelId ?? _options.Model, cancellationToken);

    public async IAsyncEnumerable<TextToSpeechResponseUpdate> GetStreamingAudioAsync(
        string text, TextToSpeechOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var format = ResolveFormat(options);
        var voice = string.IsNullOrWhiteSpace(options?.VoiceId) ? _voice : options.VoiceId;
        if (!IsKnownVoice(voice))
        {
            throw new ArgumentException($"Unknown voice '{voice}'. Known voices: {string.Join(", ", Voices)}.", nameof(options));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            yield break;
        }

        var speed = Math.Clamp(options?.Speed ?? 1f, 0.25f, 4f);
        var model = options?.ModelId ?? _options.Model;
        var request = new RequestOptions { BufferResponse = false, CancellationToken = cancellationToken };
        using var content = BinaryContent.Create(RequestBody(text, model, voice, speed));
        var result = await _audio.GenerateSpeechAsync(content, request);
        using var response = result.GetRawResponse();
        var body = response.ContentStream ?? throw new InvalidDataException($"The speech engine '{_options.Name}' returned no body.");
        var mediaType = format.ToMediaType();
        using var resampler = _resamplers.Create(_options.SpeechSampleRate, format.SampleRate);
        var buffer = new byte[ReadBytes + 1];
        var carry = 0; // an odd byte left from the previous read: a sample split across two reads
        var samples = new ArrayBufferWriter<short>();
        var words = new StreamedWordTimings(EstimatedWordTimings.Estimate(text, speed));

        // The last TailMs of what arrived is held back until more comes, so the sentence's last words can be fitted to its
        // real duration and still go out with audio they lie in; everything before the tail goes out at once.
        var tail = format.SamplesFor(TailMs);
        var pending = new List<short>();
        var sent = TimeSpan.Zero;
        var first = true;
        while (true)
        {
            var read = await body.ReadAsync(buffer.AsMemory(carry, ReadBytes), cancellationToken);
            if (read == 0)
            {
                break;
            }

            first = false;
            var whole = (carry + read) & ~1;
            samples.ResetWrittenCount();
            resampler.Process(Pcm16.AsSamples(buffer.AsSpan(0, whole)), samples);
            carry = carry + read - whole;
            if (carry == 1)
            {
                buffer[0] = buffer[whole];
            }

            pending.AddRange(samples.WrittenSpan);
            if (pending.Count <= tail)
            {
                continue;
            }

            short[] chunk = [.. pending.GetRange(0, pending.Count - tail)];
            pending.RemoveRange(0, chunk.Length);
            var end = sent + format.DurationOf(chunk.Length * 2);
            foreach (var update in Chunk(words.Until(end, end + format.DurationOf(pending.Count * 2)), chunk, mediaType, model, TextToSpeechResponseUpdateKind.AudioUpdating))
            {
                yield return update;
            }

            sent = end;
        }

        if (first)
        {
            throw new InvalidDataException($"The speech engine '{_options.Name}' returned an empty body for a non-empty text.");
        }

        samples.ResetWrittenCount();
        resampler.Flush(samples);
        pending.AddRange(samples.WrittenSpan);
        var duration = sent + format.DurationOf(pending.Count * 2);
        var rest = words.Until(duration, duration);
        rest.AddRange(words.Rest(duration, sent));
        foreach (var update in Chunk(rest, [.. pending], mediaType, model, TextToSpeechResponseUpdateKind.AudioUpdated))
        {
            yield return update;
        }
    }

    // A chunk's words (if any) go in their own update just before its audio, as every client in this project orders them.
    private static IEnumerable<TextToSpeechResponseUpdate> Chunk(List<WordTimingContent> words, short[] audio, string mediaType, string model, TextToSpeechResponseUpdateKind kind)
    {
        if (words.Count > 0)
        {
            yield return new TextToSpeechResponseUpdate([.. words]) { Kind = TextToSpeechResponseUpdateKind.AudioUpdating, ModelId = model };
        }

        yield return audio.Length > 0
            ? new TextToSpeechResponseUpdate([new DataContent(Pcm16.ToBytes(audio), mediaType)]) { Kind = kind, ModelId = model }
            : new TextToSpeechResponseUpdate([]) { Kind = kind, ModelId = model };
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

    private static BinaryData RequestBody(string text, string model, string voice, float speed)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteString("input", text);
            w.WriteString("voice", voice);
            w.WriteString("response_format", "pcm");
            if (Math.Abs(speed - 1f) > 0.001f)
            {
                w.WriteNumber("speed", speed);
            }

            w.WriteEndObject();
        }

        return BinaryData.FromBytes(ms.ToArray());
    }

    // Only PCM16 mono comes out; a requested audio/pcm rate is honoured so callers need no second resampling step.
    private AudioFormat ResolveFormat(TextToSpeechOptions? options)
    {
        var requested = options?.AudioFormat;
        if (string.IsNullOrWhiteSpace(requested) || requested.Equals("pcm", StringComparison.OrdinalIgnoreCase))
        {
            return AudioFormat.Pcm16Mono(_outputRate);
        }

        if (AudioFormat.TryParseMediaType(requested, out var format, _outputRate) && format.Channels == 1 && format.SampleRate is >= 8_000 and <= 48_000)
        {
            return format;
        }

        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"The OpenAI speech engine produces PCM16 mono (audio/pcm;rate=8000..48000;channels=1), not '{requested}'."), nameof(options));
    }
}
