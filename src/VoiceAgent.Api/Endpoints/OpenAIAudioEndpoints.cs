using System.Text.Json;
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
        app.MapPost("/v1/audio/speech", SpeechAsync).RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        app.MapPost("/v1/audio/transcriptions", TranscribeAsync).RequireApiKey().RequireRateLimiting(RateLimits.Requests).DisableAntiforgery();
        app.MapGet("/v1/models", Models).RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        return app;
    }

    private static async Task SpeechAsync(HttpContext context, ITextToSpeechClient tts, IResamplerFactory resamplers, IOptions<PipelineOptions> pipeline, IOptions<HttpApiOptions> http)
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

        if (request!.Voice is { } voice && tts.GetService<IVoiceCatalog>() is { } catalog && !catalog.IsKnownVoice(voice))
        {
            await OpenAIError.BadRequest($"Unknown voice '{voice}'.", "unknown_voice").ExecuteAsync(context);
            return;
        }

        var format = pipeline.Value.Output.OutputFormat;
        var options = new TextToSpeechOptions { VoiceId = request.Voice, Speed = request.Speed, AudioFormat = format.ToMediaType() };
        var response = await tts.GetAudioAsync(request.Input, options, ct);
        var pcm = new MemoryStream();
        foreach (var data in response.Contents.OfType<DataContent>())
        {
            if (!AudioFormat.TryParseMediaType(data.MediaType, out var f, format.SampleRate))
            {
                throw new InvalidOperationException($"The TTS engine returned {data.MediaType}, not PCM.");
            }

            pcm.Write(f == format ? data.Data.Span : Pcm16.AsBytes(AudioConversion.ToMonoAt(new AudioChunk(data.Data, f), format.SampleRate, resamplers)));
        }

        var audio = new AudioChunk(pcm.ToArray(), format);
        context.Response.Headers["X-Sample-Rate"] = format.SampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (request.ResponseFormat == "wav")
        {
            context.Response.ContentType = "audio/wav";
            await context.Response.Body.WriteAsync(WavFile.Write(audio), ct);
        }
        else
        {
            context.Response.ContentType = format.ToMediaType();
            await context.Response.Body.WriteAsync(audio.Data, ct);
        }
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

    private static IResult Models(IChatClient chat, ITextToSpeechClient tts, ISpeechToTextClient asr, IOptions<HttpApiOptions> http, TimeProvider time)
    {
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        var ids = new[]
        {
            chat.GetService<ChatClientMetadata>()?.DefaultModelId ?? http.Value.ModelName,
            tts.GetService<TextToSpeechClientMetadata>()?.DefaultModelId is { } t ? $"tts-{t}" : "tts",
            asr.GetService<SpeechToTextClientMetadata>()?.DefaultModelId is { } a ? $"asr-{a}" : "asr",
        };
        var data = ids.Distinct().Select(id => new { id, @object = "model", created, owned_by = "voiceagent" });
        return Results.Json(new { @object = "list", data }, ApiJson.Options);
    }
}

/// <summary>The body of <c>POST /v1/audio/speech</c>.</summary>
internal sealed record SpeechRequest(string Input, string? Voice, string ResponseFormat, float? Speed)
{
    /// <summary>The longest text one request may synthesise (OpenAI's limit too).</summary>
    public const int MaxInputChars = 4096;

    public static bool TryParse(byte[] body, out SpeechRequest? request, out string error)
    {
        request = null;
        error = "";
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The body must be a JSON object.";
                return false;
            }

            if (!root.TryGetProperty("input", out var input) || input.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(input.GetString()))
            {
                error = "'input' is required and must be a non-empty string.";
                return false;
            }

            if (input.GetString()!.Length > MaxInputChars)
            {
                error = $"'input' may be at most {MaxInputChars} characters.";
                return false;
            }

            string? voice = root.TryGetProperty("voice", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var format = root.TryGetProperty("response_format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "pcm";
            if (format is not ("pcm" or "wav"))
            {
                error = $"response_format '{format}' is not supported: use pcm or wav.";
                return false;
            }

            float? speed = null;
            if (root.TryGetProperty("speed", out var s) && s.ValueKind != JsonValueKind.Null)
            {
                if (s.ValueKind != JsonValueKind.Number || !s.TryGetDouble(out var d) || d < 0.25 || d > 4)
                {
                    error = "'speed' must be a number from 0.25 to 4.";
                    return false;
                }

                speed = (float)d;
            }

            request = new SpeechRequest(input.GetString()!, voice, format, speed);
            return true;
        }
        catch (JsonException ex)
        {
            error = $"The body is not valid JSON: {ex.Message}";
            return false;
        }
    }
}
