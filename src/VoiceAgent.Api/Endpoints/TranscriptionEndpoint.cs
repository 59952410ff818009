using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Api.Hosting;
using VoiceAgent.Api.Protocol;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Tts;
using VoiceAgent.Providers.Ffmpeg;

namespace VoiceAgent.Api.Endpoints;

/// <summary>
/// <c>POST /v1/audio/transcriptions</c>: any upload ffmpeg decodes (OpenAI's flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav,
/// webm), 16-bit WAV read directly, raw PCM16 as an extension; OpenAI's response formats.
/// </summary>
internal static class TranscriptionEndpoint
{
    private const int AsrRate = 16_000;
    private static readonly string[] ResponseFormats = ["json", "text", "srt", "vtt", "verbose_json"];

    public static async Task HandleAsync(HttpContext context, ISpeechToTextClient asr, IResamplerFactory resamplers, IOptions<HttpApiOptions> http)
    {
        var ct = context.RequestAborted;
        var limits = http.Value;
        if (context.Request.ContentLength > limits.MaxUploadBytes)
        {
            await OpenAIError.Result(413, $"The upload is larger than {limits.MaxUploadBytes} bytes.", "invalid_request_error", "body_too_large").ExecuteAsync(context);
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
            form = await context.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = limits.MaxUploadBytes }, ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            await OpenAIError.BadRequest($"The form could not be read: {ex.Message}").ExecuteAsync(context);
            return;
        }

        var file = form.Files.GetFile("file");
        if (file is null || file.Length == 0)
        {
            await OpenAIError.BadRequest(file is null ? "'file' is required: an audio file (flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav or webm)." : "'file' is empty.", "invalid_file").ExecuteAsync(context);
            return;
        }

        var responseFormat = form["response_format"].ToString() is { Length: > 0 } rf ? rf : "json";
        if (!ResponseFormats.Contains(responseFormat))
        {
            await OpenAIError.BadRequest($"response_format '{responseFormat}' is not supported: use one of {string.Join(", ", ResponseFormats)}.").ExecuteAsync(context);
            return;
        }

        var granularities = form["timestamp_granularities[]"].Concat(form["timestamp_granularities"]).Select(g => g ?? "").ToList();
        if (granularities.FirstOrDefault(g => g is not ("word" or "segment")) is { } bad)
        {
            await OpenAIError.BadRequest($"timestamp_granularities[] '{bad}' is not supported: use word and/or segment.").ExecuteAsync(context);
            return;
        }

        using var upload = new MemoryStream((int)file.Length);
        await file.CopyToAsync(upload, ct);
        short[] samples;
        try
        {
            samples = await DecodeAsync(upload.GetBuffer().AsMemory(0, (int)upload.Length), file.FileName, form["sample_rate"].ToString(), limits, resamplers, ct);
        }
        catch (InvalidDataException ex)
        {
            await OpenAIError.BadRequest(ex.Message, "invalid_audio").ExecuteAsync(context);
            return;
        }

        var duration = TimeSpan.FromSeconds(samples.Length / (double)AsrRate);
        if (duration > limits.MaxTranscriptionDuration)
        {
            await OpenAIError.BadRequest($"The audio is longer than {limits.MaxTranscriptionDuration.TotalSeconds:0} seconds.", "audio_too_long").ExecuteAsync(context);
            return;
        }

        if (samples.Length == 0)
        {
            await OpenAIError.BadRequest("The file holds no audio.", "invalid_audio").ExecuteAsync(context);
            return;
        }

        // 'prompt' and 'temperature' are accepted as OpenAI clients send them; the embedded recogniser has no use for them.
        var language = form["language"].ToString();
        var options = new SpeechToTextOptions { SpeechSampleRate = AsrRate, SpeechLanguage = language.Length > 0 ? language : null };
        using var audio = new MemoryStream(Pcm16.ToBytes(samples));
        var result = await asr.GetTextAsync(audio, options, ct);
        var transcript = new Transcript(result.Text.Trim(), duration, [.. result.Contents.OfType<WordTimingContent>()]);
        switch (responseFormat)
        {
            case "text":
                await Results.Text(transcript.Text, "text/plain; charset=utf-8").ExecuteAsync(context);
                break;
            case "srt":
                await Results.Text(transcript.ToSrt(), "application/x-subrip; charset=utf-8").ExecuteAsync(context);
                break;
            case "vtt":
                await Results.Text(transcript.ToVtt(), "text/vtt; charset=utf-8").ExecuteAsync(context);
                break;
            case "verbose_json":
                var verbose = transcript.ToVerbose(language.Length > 0 ? language : "english", granularities.Contains("word"), granularities.Contains("segment"));
                await Results.Json(verbose, ApiJson.Options).ExecuteAsync(context);
                break;
            default:
                await Results.Json(new { text = transcript.Text }, ApiJson.Options).ExecuteAsync(context);
                break;
        }
    }

    private static async Task<short[]> DecodeAsync(
        ReadOnlyMemory<byte> bytes, string fileName, string sampleRate, HttpApiOptions limits, IResamplerFactory resamplers, CancellationToken ct)
    {
        // Raw PCM has no header to recognise it by: it is taken as such only when the client says so.
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        if (sampleRate.Length > 0 || extension is ".pcm" or ".raw")
        {
            var rate = AsrRate;
            if (sampleRate.Length > 0 && (!int.TryParse(sampleRate, CultureInfo.InvariantCulture, out rate) || rate is < 8000 or > 48_000))
            {
                throw new InvalidDataException("'sample_rate' must be a whole number from 8000 to 48000.");
            }

            if (bytes.Length % 2 != 0)
            {
                throw new InvalidDataException("Raw PCM16 must have an even number of bytes.");
            }

            return AudioConversion.ToMonoAt(new AudioChunk(bytes, AudioFormat.Pcm16Mono(rate)), AsrRate, resamplers);
        }

        if (WavFile.LooksLikeWav(bytes.Span))
        {
            try
            {
                return AudioConversion.ToMonoAt(WavFile.Read(bytes.Span), AsrRate, resamplers);
            }
            catch (InvalidDataException)
            {
                // Float, 24-bit or compressed WAV: ffmpeg reads those.
            }
        }

        return await FfmpegDecoder.DecodeAsync(bytes, AsrRate, limits.MaxTranscriptionDuration, ct);
    }
}
