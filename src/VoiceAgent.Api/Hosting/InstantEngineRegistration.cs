using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.Instant;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the instant load-test engines under the provider name <c>Instant</c> (ASR, LLM, TTS; never the default).
/// <c>VoiceAgent__Asr__Provider=Instant VoiceAgent__Llm__Provider=Instant VoiceAgent__Tts__Provider=Instant</c> switches
/// them on, so a capacity benchmark measures the service itself while the VAD stays the real one.
/// </summary>
public static class InstantEngineRegistration
{
    public const string Instant = "Instant";

    public static IServiceCollection AddInstantEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<InstantEngineOptions>().Bind(configuration.GetSection(InstantEngineOptions.SectionName))
            .PostConfigure<IOptions<PipelineOptions>>((o, pipeline) =>
            {
                o.OutputSampleRate = pipeline.Value.Output.OutputSampleRate;
                o.ChunkMs = pipeline.Value.Output.ChunkMs;
            })
            .Validate(o => o.MillisecondsPerWord is > 0 and <= 5000, "VoiceAgent:Instant:MillisecondsPerWord must be 1..5000.");

        services.AddKeyedSingleton<ISpeechToTextClient>(Instant, (sp, _) => new InstantSpeechToTextClient(sp.GetRequiredService<IOptions<InstantEngineOptions>>().Value.Transcript));
        services.AddKeyedSingleton<IChatClient>(Instant, (sp, _) => new InstantChatClient(sp.GetRequiredService<IOptions<InstantEngineOptions>>().Value.Reply));
        services.AddKeyedSingleton<ITextToSpeechClient>(Instant, (sp, _) => new InstantTextToSpeechClient(sp.GetRequiredService<IOptions<InstantEngineOptions>>().Value));

        // Nothing native to probe: the checks are listed so /health shows which engines exist.
        services.AddSingleton(new EngineCheck("asr", Instant, () => null));
        services.AddSingleton(new EngineCheck("llm", Instant, () => null));
        services.AddSingleton(new EngineCheck("tts", Instant, () => null));
        return services;
    }
}
