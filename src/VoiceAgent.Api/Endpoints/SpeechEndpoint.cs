using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Text;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.Ffmpeg;

namespace VoiceAgent.Api.Endpoints;

/// <summary>
/// <c>POST /v1/audio/speech</c>: the text is cut into sentences and each is synthesised and encoded as soon as the one
/// before it is out, so the first bytes leave while the rest of the text is still being synthesised.
/// </summary>
internal static partial class SpeechEndpoint
{
    public static async Task HandleAsync(
        HttpContext context, ITextToSpeechClient tts, IResamplerFactory resamplers, IOptions<HttpApiOptions> http,
        IOptions<VoiceAliasOptions> aliases, FfmpegEncoderPool ffmpeg, ILoggerFactory loggers)
    {
        var ct = context.RequestAborted;
        var body = await RequestBody.ReadAsync(context.Request, http.Value.MaxBodyBytes, ct);
        if (body is null)
        {
            await OpenAIError.Result(413, $"The request body is larger than {http.Value.MaxBodyBytes} bytes.", "invalid_request_error", "body_too_large").ExecuteAsync(context);
            return;
        }

        if (!SpeechRequest.TryParse(body, out var request, out var error))
        {
            await OpenAIError.BadRequest(error).ExecuteAsync(context);
            return;
        }

        string? voice = null;
        if (request!.Voice is { } asked && tts.GetService<IVoiceCatalog>() is { } catalog)
        {
            voice = aliases.Value.Resolve(asked, catalog.IsKnownVoice);
            if (voice is null)
            {
                var known = string.Join(", ", aliases.Value.VoiceAliases.Keys.Order(StringComparer.OrdinalIgnoreCase).Concat(catalog.Voices.Take(20)));
                await OpenAIError.BadRequest($"Unknown voice '{asked}'. Voices include: {known} (GET /v1/models lists them all).", "unknown_voice").ExecuteAsync(context);
                return;
            }
        }
        else
        {
            voice = request.Voice;
        }

        var format = AudioFormat.Pcm16Mono(SpeechEncoders.SampleRate);
        var options = new TextToSpeechOptions { VoiceId = voice, Speed = request.Speed, AudioFormat = format.ToMediaType() };
        await using var encoder = await SpeechEncoders.CreateAsync(request.ResponseFormat, context.Response.Body, ffmpeg, http.Value.OpusEncoder);
        context.Response.ContentType = encoder.ContentType;
        context.Response.Headers["X-Sample-Rate"] = SpeechEncoders.SampleRate.ToString(CultureInfo.InvariantCulture);
        try
        {
            foreach (var sentence in Sentences(request.Input))
            {
                await foreach (var update in tts.GetStreamingAudioAsync(sentence, options, ct))
                {
                    foreach (var data in update.Contents.OfType<DataContent>())
                    {
                        await encoder.WriteAsync(ToFormat(data, format, resamplers), ct);
                    }
                }
            }

            await encoder.CompleteAsync(ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && context.Response.HasStarted)
        {
            // The status line is gone: cutting the connection is the only way left to tell the client the audio is incomplete.
            LogFailedMidStream(loggers.CreateLogger(typeof(SpeechEndpoint)), request.ResponseFormat, ex);
            context.Abort();
        }
    }

    private static List<string> Sentences(string input)
    {
        var splitter = new SentenceSplitter();
        var sentences = new List<string>();
        splitter.Append(input, sentences);
        if (splitter.Flush() is { } rest)
        {
            sentences.Add(rest);
        }

        return sentences;
    }

    private static ReadOnlyMemory<short> ToFormat(DataContent data, AudioFormat format, IResamplerFactory resamplers)
    {
        if (!AudioFormat.TryParseMediaType(data.MediaType, out var f, format.SampleRate))
        {
            throw new InvalidOperationException($"The TTS engine returned {data.MediaType}, not PCM.");
        }

        return f == format ? Pcm16.ToSamples(data.Data.Span) : AudioConversion.ToMonoAt(new AudioChunk(data.Data, f), format.SampleRate, resamplers);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Speech synthesis ({Format}) failed after the response had started; the connection was cut")]
    private static partial void LogFailedMidStream(ILogger logger, string format, Exception exception);
}
