using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Pipeline.Vad;
using VoiceAgent.Providers.Embedded;
using VoiceAgent.Providers.Embedded.Dialogue;
using VoiceAgent.Providers.Embedded.Espeak;
using VoiceAgent.Providers.Embedded.PocketSphinx;
using VoiceAgent.Providers.Embedded.Silero;
using VoiceAgent.Providers.Embedded.Soxr;
using VoiceAgent.Providers.Embedded.WebRtcVad;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the engines of every stage under their provider names (keyed services) and resolves the configured one,
/// <c>VoiceAgent:{Vad|Asr|Llm|Tts}:Provider</c>, as the stage's engine. Each engine gets a start-up probe.
/// </summary>
public static class EngineRegistration
{
    public const string Embedded = "Embedded";

    /// <summary>The WebRTC VAD; <see cref="Embedded"/> is the same engine under its older name.</summary>
    public const string WebRtc = "WebRtc";

    /// <summary>Silero VAD v5 through ONNX Runtime.</summary>
    public const string Silero = "Silero";

    public static IServiceCollection AddEmbeddedEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebRtcVadOptions>().Bind(configuration.GetSection("VoiceAgent:Vad:Embedded")).Bind(configuration.GetSection("VoiceAgent:Vad:WebRtc")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SileroVadOptions>().Bind(configuration.GetSection("VoiceAgent:Vad:Silero")).ValidateDataAnnotations()
            .Validate(o => o.DeactivationThreshold <= o.ActivationThreshold, "VoiceAgent:Vad:Silero:DeactivationThreshold must not exceed ActivationThreshold.").ValidateOnStart();
        services.AddOptions<PocketSphinxOptions>().Bind(configuration.GetSection("VoiceAgent:Asr:Embedded"));
        services.AddOptions<DialogueOptions>().Bind(configuration.GetSection(DialogueOptions.SectionName));
        services.AddOptions<EspeakOptions>().Bind(configuration.GetSection("VoiceAgent:Tts:Embedded"))
            .PostConfigure<IOptions<PipelineOptions>>((o, pipeline) =>
            {
                // The engine speaks at the service's output rate, so the TTS stage never resamples.
                o.OutputSampleRate = pipeline.Value.Output.OutputSampleRate;
                o.ChunkMs = pipeline.Value.Output.ChunkMs;
            });

        services.AddSingleton(sp => new EngineQueueMetrics(sp.GetRequiredService<IMeterFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<IVoiceActivityDetectorFactory>(Embedded, (sp, _) => new WebRtcVadFactory(sp.GetRequiredService<IOptions<WebRtcVadOptions>>()));
        services.AddKeyedSingleton<IVoiceActivityDetectorFactory>(WebRtc, (sp, _) => sp.GetRequiredKeyedService<IVoiceActivityDetectorFactory>(Embedded));
        services.AddSingleton(sp => new SileroVadFactory(sp.GetRequiredService<IOptions<SileroVadOptions>>()));
        services.AddKeyedSingleton<IVoiceActivityDetectorFactory>(Silero, (sp, _) => sp.GetRequiredService<SileroVadFactory>());
        services.AddSingleton(sp => new PocketSphinxSpeechToTextClient(sp.GetRequiredService<IOptions<PocketSphinxOptions>>().Value, sp.GetRequiredService<IResamplerFactory>(), sp.GetRequiredService<EngineQueueMetrics>()));
        services.AddSingleton<PocketSphinxDomainModelBuilder>();
        services.AddSingleton<PocketSphinxDomainModelUpdater>();

        // The client comes with its domain model: the updater builds it before the first turn and on every change.
        services.AddKeyedSingleton<ISpeechToTextClient>(Embedded, (sp, _) => sp.GetRequiredService<PocketSphinxDomainModelUpdater>().Client);
        services.AddKeyedSingleton<IChatClient>(Embedded, (sp, _) => new DialogueChatClient(sp.GetRequiredService<IOptions<DialogueOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddKeyedSingleton<ITextToSpeechClient>(Embedded, (sp, _) => new EspeakTextToSpeechClient(sp.GetRequiredService<IOptions<EspeakOptions>>().Value, sp.GetRequiredService<IResamplerFactory>(), sp.GetRequiredService<EngineQueueMetrics>()));

        services.AddSingleton(new EngineCheck("vad", Embedded, WebRtcVadFactory.CheckAvailable));
        services.AddSingleton(new EngineCheck("vad", WebRtc, WebRtcVadFactory.CheckAvailable));

        // The first probe loads the model and checks its hash (a wrong file stops start-up), so it is also the warm-up.
        services.AddSingleton(sp => new EngineCheck("vad", Silero, () => sp.GetRequiredService<SileroVadFactory>().CheckAvailable()));
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
        services.AddSingleton(sp => Keyed<IVoiceActivityDetectorFactory>(sp, configuration, "Vad", configuration["VoiceAgent:Vad:Provider"] ?? Embedded));
        services.AddSingleton(sp => Chain<ISpeechToTextClient>(sp, configuration, "Asr", list => new FallbackSpeechToTextClient(list, sp.GetRequiredService<EngineMetrics>(), Log(sp))));
        services.AddSingleton(sp => ToolRegistration.WithToolCalling(
            Chain<IChatClient>(sp, configuration, "Llm", list => new FallbackChatClient(list, sp.GetRequiredService<EngineMetrics>(), Log(sp))), sp));
        services.AddSingleton(sp => Chain<ITextToSpeechClient>(sp, configuration, "Tts", list => new FallbackTextToSpeechClient(list, sp.GetRequiredService<EngineMetrics>(), Log(sp))));
        return services;
    }

    /// <summary>The stage's engine: its provider, or, with <c>VoiceAgent:{stage}:Fallback</c>, the provider then each fallback in order.</summary>
    private static T Chain<T>(IServiceProvider sp, IConfiguration configuration, string stage, Func<IReadOnlyList<T>, T> fallback)
        where T : notnull
    {
        var primary = configuration[$"VoiceAgent:{stage}:Provider"] ?? Embedded;
        var rest = configuration.GetSection($"VoiceAgent:{stage}:Fallback").GetChildren().Select(c => c.Value).OfType<string>().Where(p => p != primary).ToList();
        if (rest.Count == 0)
        {
            return Keyed<T>(sp, configuration, stage, primary);
        }

        return fallback([Keyed<T>(sp, configuration, stage, primary), .. rest.Select(p => Keyed<T>(sp, configuration, stage, p))]);
    }

    private static T Keyed<T>(IServiceProvider sp, IConfiguration configuration, string stage, string provider)
        where T : notnull =>
        sp.GetKeyedService<T>(provider)
            ?? throw new OptionsValidationException($"VoiceAgent:{stage}:Provider", typeof(T), [$"VoiceAgent:{stage}: '{provider}' is not a known {stage} engine (known: Embedded, OpenAI, AzureOpenAI, DashScope, Instant; for Vad: WebRtc, Silero)."]);

    private static ILogger Log(IServiceProvider sp) => sp.GetRequiredService<ILoggerFactory>().CreateLogger("VoiceAgent.Engines");
}
