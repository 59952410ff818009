using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VoiceAgent.Pipeline.Audio;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers the remote engines, keyed <c>OpenAI</c>, for each stage whose provider or fallback list names them:
/// options from <c>VoiceAgent:{Asr|Llm|Tts}:OpenAI</c>, validated at start-up with messages that name the key.
/// </summary>
public static class OpenAIEngineRegistration
{
    public const string OpenAI = "OpenAI";

    public static IServiceCollection AddOpenAIEngines(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp => new EngineMetrics(sp.GetRequiredService<IMeterFactory>()));
        if (Uses(configuration, "Llm"))
        {
            Options(services, configuration, "Llm");
            services.AddKeyedSingleton<IChatClient>(OpenAI, (sp, _) => OpenAIEngines.CreateChatClient(Get(sp, "Llm"), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<EngineMetrics>()));
            services.AddSingleton(sp => new EngineCheck("llm", OpenAI, () => Breaker(sp.GetRequiredKeyedService<IChatClient>(OpenAI).GetService<EngineResilience>())));
        }

        if (Uses(configuration, "Asr"))
        {
            Options(services, configuration, "Asr");
            services.AddKeyedSingleton<ISpeechToTextClient>(OpenAI, (sp, _) => OpenAIEngines.CreateSpeechToTextClient(Get(sp, "Asr"), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<EngineMetrics>()));
            services.AddSingleton(sp => new EngineCheck("asr", OpenAI, () => Breaker(sp.GetRequiredKeyedService<ISpeechToTextClient>(OpenAI).GetService<EngineResilience>())));
        }

        if (Uses(configuration, "Tts"))
        {
            Options(services, configuration, "Tts");
            services.AddKeyedSingleton<ITextToSpeechClient>(OpenAI, (sp, _) => OpenAIEngines.CreateTextToSpeechClient(
                Get(sp, "Tts"),
                sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Output.OutputSampleRate,
                sp.GetRequiredService<IResamplerFactory>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<EngineMetrics>()));
            services.AddSingleton(sp => new EngineCheck("tts", OpenAI, () => Breaker(sp.GetRequiredKeyedService<ITextToSpeechClient>(OpenAI).GetService<EngineResilience>())));
        }

        return services;
    }

    /// <summary>True when a remote engine cannot be used right now: its breaker is open after recent failures.</summary>
    public static bool IsDown(object engine) => engine switch
    {
        // The LLM sits inside the function-invoking chain: ask the chain for its engine (a fallback list is never down as a whole here).
        IChatClient chat => chat.GetService<FallbackChatClient>() is null && chat.GetService<EngineResilience>() is { BreakerState: CircuitState.Open or CircuitState.Isolated },
        _ => engine is ResilientTextToSpeechClient { Resilience.BreakerState: CircuitState.Open or CircuitState.Isolated },
    };

    private static string? Breaker(EngineResilience? resilience) =>
        resilience?.BreakerState is CircuitState.Open or CircuitState.Isolated ? $"circuit open after recent failures of '{resilience.Name}'" : null;

    private static bool Uses(IConfiguration configuration, string stage) =>
        configuration[$"VoiceAgent:{stage}:Provider"] == OpenAI ||
        configuration.GetSection($"VoiceAgent:{stage}:Fallback").GetChildren().Any(c => c.Value == OpenAI);

    private static void Options(IServiceCollection services, IConfiguration configuration, string stage)
    {
        var section = $"VoiceAgent:{stage}:OpenAI";
        services.AddOptions<OpenAIEngineOptions>(stage)
            .Bind(configuration.GetSection(section))
            .PostConfigure(o => o.Name = $"{stage.ToLowerInvariant()}-openai")
            .Validate(o =>
            {
                o.ThrowIfInvalid(section);
                return true;
            })
            .ValidateOnStart();
    }

    private static OpenAIEngineOptions Get(IServiceProvider sp, string stage) => sp.GetRequiredService<IOptionsMonitor<OpenAIEngineOptions>>().Get(stage);
}
