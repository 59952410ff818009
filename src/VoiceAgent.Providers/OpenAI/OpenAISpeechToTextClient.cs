using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using global::OpenAI;
using global::OpenAI.Audio;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Asr;

namespace VoiceAgent.Providers.OpenAI;

/// <summary>Speech to text through <c>POST /audio/transcriptions</c> (whisper-1, gpt-4o-transcribe, a Whisper server): batch only, sent by M.E.AI's <c>AsISpeechToTextClient</c>.</summary>
/// <remarks>
/// The input is raw PCM16 mono at <see cref="SpeechToTextOptions.SpeechSampleRate"/> (16 kHz by default), or a WAV file.
/// The stream is read to its end first (the pipeline feeds it while the user speaks), then sent as one WAV file.
/// Streaming yields a single <see cref="SpeechToTextResponseUpdateKind.TextUpdated"/> when the batch transcript is back,
/// which every Whisper-compatible server can serve; the pipeline has the whole utterance by then anyway.
/// </remarks>
public sealed class OpenAISpeechToTextClient : ISpeechToTextClient
{
    private readonly OpenAIClient _client;
    private readonly string _model;
    private readonly string? _language;
    private readonly SpeechToTextClientMetadata _metadata;

    public OpenAISpeechToTextClient(OpenAIEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("OpenAIEngineOptions");
        _client = OpenAIClientBuilder.Create(options);
        _model = options.Model;
        _language = options.Language;
        _metadata = new SpeechToTextClientMetadata("openai", new Uri(options.BaseUrl), options.Model);
    }

    public async Task<SpeechToTextResponse> GetTextAsync(Stream audioSpeechStream, SpeechToTextOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audioSpeechStream);
        var audio = await ReplayableAudio.ReadAllAsync(audioSpeechStream, cancellationToken);
        if (audio.Length < 2)
        {
            return new SpeechToTextResponse("") { ModelId = options?.ModelId ?? _model };
        }

        var wav = WavFile.LooksLikeWav(audio.Span)
            ? audio
            : WavFile.Write(new AudioChunk(audio[..(audio.Length & ~1)], AudioFormat.Pcm16Mono(options?.SpeechSampleRate ?? 16_000)));
        // M.E.AI's own adapter sends it: it names the upload from the stream's first bytes (a seekable RIFF stream is
        // speech.wav to the server) and maps language and model. What stays ours is around it: raw PCM made into WAV,
        // a locale cut to Whisper's ISO-639-1, the audio read once so a retry or fallback can send it again.
        var model = options?.ModelId ?? _model;
        using var adapter = _client.GetAudioClient(model).AsISpeechToTextClient();
        using var body = ReplayableAudio.Open(wav);
        var request = new SpeechToTextOptions { ModelId = model, SpeechLanguage = LanguageHint(options?.SpeechLanguage ?? _language) };
        var response = await adapter.GetTextAsync(body, request, cancellationToken);
        response.ModelId ??= model;
        return response;
    }

    public async IAsyncEnumerable<SpeechToTextResponseUpdate> GetStreamingTextAsync(
        Stream audioSpeechStream, SpeechToTextOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetTextAsync(audioSpeechStream, options, cancellationToken);
        yield return new SpeechToTextResponseUpdate(response.Text)
        {
            Kind = SpeechToTextResponseUpdateKind.TextUpdated,
            ModelId = response.ModelId,
            EndTime = response.EndTime,
            RawRepresentation = response.RawRepresentation,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(SpeechToTextClientMetadata) ? _metadata
            : serviceType == typeof(SpeechToTextPartials) ? SpeechToTextPartials.None
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    public void Dispose()
    {
    }

    // Whisper takes ISO-639-1 ("en"), while our settings may carry a locale ("en-US", "zh_CN").
    internal static string? LanguageHint(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return null;
        }

        var cut = language.IndexOfAny(['-', '_']);
        return (cut > 0 ? language[..cut] : language).Trim().ToLowerInvariant();
    }
}
