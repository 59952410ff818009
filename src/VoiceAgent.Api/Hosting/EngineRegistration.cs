using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Vad;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.Espeak;
using VoiceAgent.Providers.Embedded.PocketSphinx;
using VoiceAgent.Providers.Embedded.Soxr;
using VoiceAgent.Providers.Embedded.WebRtcVad;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the engines of every stage under their provider names (keyed services) and resolves the configured one,
/// <c>VoiceAgent:{Vad|Asr|Llm|Tts}:Provider</c>, as the stage's engine. Each engine gets a start-up probe.
/// </summary>
public static class EngineRegistration
{
    public const string Embedded = "Embedded";

    public static IServiceCollection AddEmbeddedEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebRtcVadOptions>().Bind(configuration.GetSection("VoiceAgent:Vad:Embedded")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PocketSphinxOptions>().Bind(configuration.GetSection("VoiceAgent:Asr:Embedded"));
        services.AddOptions<DialogueOptions>().Bind(configuration.GetSection(DialogueOptions.SectionName));
        services.AddOptions<EspeakOptions>().Bind(configuration.GetSection("VoiceAgent:Tts:Embedded"))
            .PostConfigure<IOptions<PipelineOptions>>((o, pipeline) =>
            {
                // The engine speaks at the service's output rate, so the TTS stage never resamples.
                o.OutputSampleRate = pipeline.Value.Output.OutputSampleRate;
                o.ChunkMs = pipeline.Value.Output.ChunkMs;
            });

        services.AddKeyedSingleton<IVoiceActivityDetectorFactory>(Embedded, (sp, _) => new WebRtcVadFactory(sp.GetRequiredService<IOptions<WebRtcVadOptions>>()));
        services.AddKeyedSingleton<ISpeechToTextClient>(Embedded, (sp, _) => new PocketSphinxSpeechToTextClient(sp.GetRequiredService<IOptions<PocketSphinxOptions>>().Value, sp.GetRequiredService<IResamplerFactory>()));
        services.AddKeyedSingleton<IChatClient>(Embedded, (sp, _) => new DialogueChatClient(sp.GetRequiredService<IOptions<DialogueOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ITextToSpeechClient>(Embedded, (sp, _) => new EspeakTextToSpeechClient(sp.GetRequiredService<IOptions<EspeakOptions>>().Value, sp.GetRequiredService<IResamplerFactory>()));

        services.AddSingleton(new EngineCheck("vad", Embedded, WebRtcVadFactory.CheckAvailable));
        services.AddSingleton(sp => new EngineCheck("asr", Embedded, () => PocketSphinxSpeechToTextClient.CheckAvailable(sp.GetRequiredService<IOptions<PocketSphinxOptions>>().Value)));
        services.AddSingleton(new EngineCheck("llm", Embedded, () => null));
        services.AddSingleton(new EngineCheck("tts", Embedded, EspeakTextToSpeechClient.CheckAvailable));
        return services;
    }

    /// <summary>Resolves each stage's engine by the configured provider name, and the resampler (libsoxr unless told otherwise).</summary>
    public static IServiceCollection AddConfiguredEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IResamplerFactory>(_ => configuration["VoiceAgent:Resampler:Provider"] is "Linear" ? new LinearResamplerFactory() : new SoxrResamplerFactory());
        services.AddSingleton(new EngineCheck("resampler", "Soxr", () => configuration["VoiceAgent:Resampler:Provider"] is "Linear" ? null : SoxrResamplerFactory.CheckAvailable()));
        services.AddSingleton(sp => Keyed<IVoiceActivityDetectorFactory>(sp, configuration, "Vad"));
        services.AddSingleton(sp => Keyed<ISpeechToTextClient>(sp, configuration, "Asr"));
        services.AddSingleton(sp => Keyed<IChatClient>(sp, configuration, "Llm"));
        services.AddSingleton(sp => Keyed<ITextToSpeechClient>(sp, configuration, "Tts"));
        return services;
    }

    private static T Keyed<T>(IServiceProvider sp, IConfiguration configuration, string stage)
        where T : notnull
    {
        var provider = configuration[$"VoiceAgent:{stage}:Provider"] ?? Embedded;
        return sp.GetKeyedService<T>(provider)
            ?? throw new OptionsValidationException($"VoiceAgent:{stage}:Provider", typeof(T), [$"VoiceAgent:{stage}:Provider is '{provider}', which is not a known {stage} engine."]);
    }
}
