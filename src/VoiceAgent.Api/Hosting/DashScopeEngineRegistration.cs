using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using VoiceAgent.Pipeline.Sessions;
using VoiceAgent.Providers.DashScope;
using VoiceAgent.Providers.OpenAI;

namespace VoiceAgent.Api.Hosting;

/// <summary>
/// Registers Alibaba DashScope's speech engines under the provider name <c>DashScope</c> when a stage (or its fallback list)
/// names them: CosyVoice for <c>Tts</c>, Paraformer real-time for <c>Asr</c>, options from <c>VoiceAgent:{Tts|Asr}:DashScope</c>.
/// Qwen, the LLM, needs nothing of its own: it is the <c>OpenAI</c> provider pointed at DashScope's compatible mode.
/// </summary>
public static class DashScopeEngineRegistration
{
    public const string DashScope = "DashScope";

    public static IServiceCollection AddDashScopeEngines(this IServiceCollection services, IConfiguration configuration)
    {
        if (Uses(configuration, "Tts"))
        {
            Options(services, configuration, "Tts", DashScopeEngines.DefaultTtsModel);
            services.AddKeyedSingleton<ITextToSpeechClient>(DashScope, (sp, _) => DashScopeEngines.CreateTextToSpeechClient(
                Get(sp, "Tts"),
                sp.GetRequiredService<IOptions<PipelineOptions>>().Value.Output.OutputSampleRate,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<EngineMetrics>(),
                Section("Tts")));
            services.AddSingleton(sp => new EngineCheck("tts", DashScope, () => Breaker(sp.GetRequiredKeyedService<ITextToSpeechClient>(DashScope).GetService<EngineResilience>())));
        }

        if (Uses(configuration, "Asr"))
        {
            Options(services, configuration, "Asr", DashScopeEngines.DefaultAsrModel);
            services.AddKeyedSingleton<ISpeechToTextClient>(DashScope, (sp, _) => DashScopeEngines.CreateSpeechToTextClient(
                Get(sp, "Asr"), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<EngineMetrics>(), Section("Asr")));
            services.AddSingleton(sp => new EngineCheck("asr", DashScope, () => Breaker(sp.GetRequiredKeyedService<ISpeechToTextClient>(DashScope).GetService<EngineResilience>())));
        }

        return services;
    }

    private static string? Breaker(EngineResilience? resilience) =>
        resilience?.BreakerState is CircuitState.Open or CircuitState.Isolated ? $"circuit open after recent failures of '{resilience.Name}'" : null;

    private static bool Uses(IConfiguration configuration, string stage) =>
        configuration[$"VoiceAgent:{stage}:Provider"] == DashScope ||
        configuration.GetSection($"VoiceAgent:{stage}:Fallback").GetChildren().Any(c => c.Value == DashScope);

    private static string Section(string stage) => $"VoiceAgent:{stage}:{DashScope}";

    private static void Options(IServiceCollection services, IConfiguration configuration, string stage, string defaultModel)
    {
        var section = Section(stage);
        services.AddOptions<DashScopeEngineOptions>(section)
            .Configure(o => o.Model = defaultModel)
            .Bind(configuration.GetSection(section))
            .PostConfigure(o => o.Name = $"{stage.ToLowerInvariant()}-dashscope")
            .Validate(o =>
            {
                var errors = o.Validate(section);
                return errors.Count == 0 ? true : throw new InvalidOperationException(string.Join(" ", errors));
            })
            .ValidateOnStart();
    }

    private static DashScopeEngineOptions Get(IServiceProvider sp, string stage) => sp.GetRequiredService<IOptionsMonitor<DashScopeEngineOptions>>().Get(Section(stage));
}
