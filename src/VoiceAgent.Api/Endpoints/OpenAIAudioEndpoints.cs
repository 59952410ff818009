using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Auth;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Tts;

namespace VoiceAgent.Api.Endpoints;

/// <summary>The OpenAI-compatible audio endpoints (§3): speech, transcriptions, and the model list.</summary>
public static class OpenAIAudioEndpoints
{
    public static IEndpointRouteBuilder MapOpenAIAudioEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/audio/speech", SpeechEndpoint.HandleAsync).RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        app.MapPost("/v1/audio/transcriptions", TranscribeAsync).RequireApiKey().RequireRateLimiting(RateLimits.Requests).DisableAntiforgery();
        app.MapGet("/v1/models", Models).RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        return app;
    }

    private static async Task TranscribeAsync(HttpContext context, ISpeechToTextClient asr, IResamplerFactory resamplers, IOptions<HttpApiOptions> http)
    {
        var ct = context.RequestAborted;
        if (context.Request.ContentLength > http.Value.MaxUploadBytes)
        {
            await OpenAIError.Result(413, $"The upload is larger than {http.Value.MaxUploadBytes} bytes.", "invalid_request_error", "body_too_large").ExecuteAsync(context);
            return;
        }

        if (!context.Request.HasFormContentType)
        {
            await OpenAIError.BadRequest("Send multipart/form-data with a 'file' field.").ExecuteAsync(context);
            return;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = http.Value.MaxUploadBytes }, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            await OpenAIError.BadRequest($"The form could not be read: {ex.Message}").ExecuteAsync(context);
            return;
        }

        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            await OpenAIError.BadRequest("'file' is required: a WAV file, or raw PCM16 mono (16 kHz unless 'sample_rate' says otherwise).").ExecuteAsync(context);
            return;
        }

        var responseFormat = form["response_format"].ToString() is { Length: > 0 } rf ? rf : "json";
        if (responseFormat is not ("json" or "text" or "verbose_json"))
        {
            await OpenAIError.BadRequest($"response_format '{responseFormat}' is not supported: use json, text or verbose_json.").ExecuteAsync(context);
            return;
        }

        using var upload = new MemoryStream((int)file.Length);
        await file.CopyToAsync(upload, ct);
        short[] samples;
        try
        {
            samples = Decode(upload.ToArray(), form["sample_rate"].ToString(), resamplers);
        }
        catch (InvalidDataException ex)
        {
            await OpenAIError.BadRequest(ex.Message, "invalid_audio").ExecuteAsync(context);
            return;
        }

        var language = form["language"].ToString();
        var options = new SpeechToTextOptions { SpeechSampleRate = VadRate, SpeechLanguage = language.Length > 0 ? language : null };
        using var audio = new MemoryStream(Pcm16.ToBytes(samples));
        var result = await asr.GetTextAsync(audio, options, ct);
        var text = result.Text.Trim();
        var duration = samples.Length / (double)VadRate;
        switch (responseFormat)
        {
            case "text":
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(text, ct);
                break;
            case "verbose_json":
                await Results.Json(new { task = "transcribe", language = language.Length > 0 ? language : "en", duration, text, segments = Array.Empty<object>() }, ApiJson.Options).ExecuteAsync(context);
                break;
            default:
                await Results.Json(new { text }, ApiJson.Options).ExecuteAsync(context);
                break;
        }
    }

    private const int VadRate = 16_000;

    private static short[] Decode(byte[] bytes, string sampleRate, IResamplerFactory resamplers)
    {
        AudioChunk chunk;
        if (WavFile.LooksLikeWav(bytes))
        {
            chunk = WavFile.Read(bytes);
        }
        else
        {
            var rate = VadRate;
            if (sampleRate.Length > 0 && (!int.TryParse(sampleRate, System.Globalization.CultureInfo.InvariantCulture, out rate) || rate is < 8000 or > 48_000))
            {
                throw new InvalidDataException("'sample_rate' must be a whole number from 8000 to 48000.");
            }

            if (bytes.Length % 2 != 0)
            {
                throw new InvalidDataException("Raw PCM16 must have an even number of bytes.");
            }

            chunk = new AudioChunk(bytes, AudioFormat.Pcm16Mono(rate));
        }

        return AudioConversion.ToMonoAt(chunk, VadRate, resamplers);
    }

    // Each entry is an OpenAI model object; the TTS one also lists what "voice" accepts (extra fields OpenAI clients
    // ignore), because a client cannot otherwise find out which voices this server has.
    private static IResult Models(IChatClient chat, ITextToSpeechClient tts, ISpeechToTextClient asr, IOptions<HttpApiOptions> http, IOptions<VoiceAliasOptions> aliases, TimeProvider time)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var llm = chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? http.Value.ModelName;
        var ttsId = tts.GetService<TextToSpeechClientMetadata>()?.DefaultModelId is { } t ? $"tts-{t}" : "tts";
        var asrId = asr.GetService<SpeechToTextClientMetadata>()?.DefaultModelId is { } a ? $"asr-{a}" : "asr";
        var catalog = tts.GetService<IVoiceCatalog>();
        var voiceAliases = catalog is null ? aliases.Value.VoiceAliases
            : aliases.Value.VoiceAliases.Where(kv => catalog.IsKnownVoice(kv.Value)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        var data = new List<object>
        {
            new { id = llm, @object = "model", created, owned_by = "voiceagent" },
            new { id = ttsId, @object = "model", created, owned_by = "voiceagent", voices = catalog?.Voices, voice_aliases = voiceAliases, response_formats = SpeechRequest.Formats },
            new { id = asrId, @object = "model", created, owned_by = "voiceagent" },
        };
        return Results.Json(new { @object = "list", data }, ApiJson.Options);
    }
}
