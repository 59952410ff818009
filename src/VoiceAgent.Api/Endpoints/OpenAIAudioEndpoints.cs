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
        app.MapPost("/v1/audio/transcriptions", TranscriptionEndpoint.HandleAsync).RequireApiKey().RequireRateLimiting(RateLimits.Requests).DisableAntiforgery();
        app.MapPost("/v1/audio/translations", Translations).RequireApiKey().RequireRateLimiting(RateLimits.Requests).DisableAntiforgery();
        app.MapGet("/v1/models", Models).RequireApiKey().RequireRateLimiting(RateLimits.Requests);
        return app;
    }

    // The embedded recogniser is English-only and has no translation model; saying so beats a 404 the client cannot explain.
    private static IResult Translations() =>
        OpenAIError.BadRequest("/v1/audio/translations is not supported by this server: use /v1/audio/transcriptions (transcription in the spoken language).", "unsupported_endpoint");

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
